package ai.noether.api.callback;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a callback sees of the running training: counters, models, metrics, and the few actions it
 * may take. Valid only during the hook call that received it.
 */
public interface TrainingContext {

  /** The stage being trained. */
  StageId stage();

  /**
   * A directory of this stage on this machine's file system, for files a callback writes and reads
   * itself (plots, reports, logs, the metric history): {@code <output_dir>/<run_id>/<stage_name>}
   * when {@code output_dir} is a local directory, as before; a work directory on this machine when
   * the checkpoints live in a store elsewhere (S3). It is not durable the way checkpoints are:
   * state that a resume needs belongs in a checkpoint ({@link #checkpoints()}, or the callback's
   * state, which is saved with every checkpoint), never only here. Created before training starts.
   */
  Path workDir();

  /**
   * Same as {@link #workDir()}.
   *
   * @deprecated the stage is not always a local directory (the checkpoint store may be S3); use
   *     {@link #workDir()} for local files and {@link #checkpoints()} for state that must survive
   */
  @Deprecated
  default Path stageDir() {
    return workDir();
  }

  /**
   * Where the checkpoints go, as {@code output_dir} was given ({@code /data/runs}, {@code
   * s3://bucket/runs}), for messages such as the resume command to run. Default: the parent of the
   * run's work directory, right for a local {@code output_dir}.
   */
  default String outputLocation() {
    Path run = stage().isStageless() ? workDir() : workDir().getParent();
    return String.valueOf(run == null ? null : run.getParent());
  }

  /** The counters after the event that triggered the hook. */
  TrainingIteration iteration();

  /** Updates the run will make in total, or -1 if unknown. */
  long totalUpdates();

  /** The models by name, in configuration order; never empty. */
  Map<String, Model> models();

  /** The learning rate of the most recent update. */
  double learningRate();

  /** The most recent value of every metric logged so far in this run; never null. */
  Map<String, Double> metrics();

  /**
   * Evaluates the models' current weights on the validation split without logging the result (e.g.
   * to evaluate EMA weights swapped in temporarily). Empty when there is no validation split.
   */
  Map<String, Double> evaluateValidation();

  /** Logs a metric at the current iteration (it goes to the history and the log). */
  void logMetric(String key, double value);

  /**
   * Asks the trainer to end training after the current step, as finished: it evaluates, runs {@code
   * afterTraining} and writes the final checkpoint ({@code last}). For early stopping.
   */
  void requestStop(String reason);

  /**
   * Asks the trainer to stop after the current step as if the job were preempted: it writes an
   * emergency checkpoint ({@code E.._U.._S...interrupt}, moved to {@code latest}) that resumes
   * exactly, skips the end-of-training work, and the command line exits with status 3 so that a job
   * script resubmits the run. For callbacks that see the job's time or resources run out.
   */
  void requestInterrupt(String reason);

  /** True once a stop was requested by a callback, a signal or the trainer. */
  boolean stopRequested();

  /** Writes checkpoints of this stage (full ones, or model files under a tag of the caller's). */
  CheckpointWriter checkpoints();

  /**
   * The extra model files the callbacks would add to a checkpoint written now ({@link
   * Callback#checkpointModels}, e.g. EMA weights), in callback order; never null, possibly empty.
   * For callbacks that save models under their own tags.
   */
  default List<ModelSnapshot> callbackModels() {
    return List.of();
  }
}
