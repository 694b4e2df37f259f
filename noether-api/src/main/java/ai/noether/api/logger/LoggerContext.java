package ai.noether.api.logger;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import java.nio.file.Path;
import java.util.List;

/** What a {@link MetricLogger} sees of the stage at {@code start} and {@code finish}. */
public interface LoggerContext {

  /** The stage being trained. */
  StageId stage();

  /** The stage's directory on the local file system, where loggers write their files. */
  Path stageDir();

  /** The counters now. */
  TrainingIteration iteration();

  /** Updates the stage makes in total. */
  long totalUpdates();

  /**
   * Everything logged in this stage so far, oldest first: at {@code start} of a resumed stage the
   * history the checkpoint holds, at {@code finish} all of it. Never null, possibly empty.
   */
  List<LoggedMetrics> history();

  /** Where the stage continued from a checkpoint, oldest first; never null, possibly empty. */
  List<ResumePoint> resumes();

  /**
   * The stage's committed checkpoints as the store lists them (aliases such as {@code latest}
   * included), oldest first; empty when the store cannot list them. Reads the store: call it at
   * {@code finish}, not per metric.
   */
  List<StoredCheckpoint> checkpoints();
}
