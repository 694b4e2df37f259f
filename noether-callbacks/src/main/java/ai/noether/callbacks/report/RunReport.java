package ai.noether.callbacks.report;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.ResumePoint;
import java.util.List;
import java.util.Objects;

/**
 * What a stage's HTML report shows: the same whether it is made at the end of training from the
 * trainer's history or later by {@code noether report} from {@code history.jsonl}.
 *
 * @param stage the stage; never null
 * @param events everything logged, oldest first; never null
 * @param resumes where the stage continued from a checkpoint, oldest first; never null
 * @param checkpoints the stage's committed checkpoints as the store lists them; never null
 */
public record RunReport(
    StageId stage,
    List<LoggedMetrics> events,
    List<ResumePoint> resumes,
    List<StoredCheckpoint> checkpoints) {
  public RunReport {
    Objects.requireNonNull(stage, "stage");
    events = List.copyOf(events);
    resumes = List.copyOf(resumes);
    checkpoints = List.copyOf(checkpoints);
  }
}
