package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the ways training ends badly into exceptions that say what was saved and how to go on:
 * writes the emergency checkpoint when the state allows one, and names it with the command that
 * continues from it.
 */
final class TrainingFailures {
  // Logged under the trainer's name, as before the loop was split.
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /**
   * Where the loop was when it failed: in the middle of what, a failure leaves no consistent state.
   */
  enum Phase {
    /** Between iterations, or in a hook: the state is that of a complete iteration. */
    CONSISTENT,
    /** While the optimizer changed weights. */
    UPDATING_WEIGHTS,
    /** In a batch inside an accumulation window, which may have added part of its gradients. */
    INSIDE_WINDOW
  }

  private final StageId stage;
  private final Path stageDir;
  private final BackgroundCheckpointWriter writer;
  private final TrainingProgress progress;
  private final int maxFailedSaves;
  private final ResumeCommandLine resumeCommand;

  TrainingFailures(
      StageId stage,
      Path stageDir,
      BackgroundCheckpointWriter writer,
      TrainingProgress progress,
      int maxFailedSaves,
      ResumeCommandLine resumeCommand) {
    this.stage = stage;
    this.stageDir = stageDir;
    this.writer = writer;
    this.progress = progress;
    this.maxFailedSaves = maxFailedSaves;
    this.resumeCommand = resumeCommand;
  }

  /**
   * True when the last {@code max_failed_saves} saves all failed: training must not go on
   * unprotected.
   */
  boolean tooManySavesFailed() {
    return writer.consecutiveFailures() >= maxFailedSaves;
  }

  /**
   * Turns a failure into a {@link TrainingFailedException} after saving what can be saved: unless
   * the failure left a half-changed state ({@code phase}), the state is that of a complete
   * iteration and an emergency checkpoint of it is written.
   *
   * @param restored whether the stage continues a checkpoint instead of starting fresh
   */
  TrainingFailedException fail(RuntimeException e, Phase phase, boolean restored) {
    TrainingIteration iteration = progress.iteration;
    String where = "training " + stage + " failed at " + iteration + ": " + describe(e);
    writer.flush();
    if (!restored && iteration.equals(TrainingIteration.ZERO) && writer.lastCommitted() == null) {
      // Nothing was trained: a checkpoint of the initial weights would only block a fresh start
      // under this run id, and resuming from it would meet the same failure.
      return new TrainingFailedException(
          where
              + "\nIt failed at the first update of a fresh stage, before anything was"
              + " trained, so no checkpoint was written and there is nothing to resume: fix the cause (the configuration"
              + " or the data named above) and start the run again with the same command.",
          e);
    }
    if (phase == Phase.UPDATING_WEIGHTS) {
      StoredCheckpoint newest = writer.lastCommitted();
      return new TrainingFailedException(
          where
              + "\nThe failure happened while weights were being updated, so no "
              + "emergency checkpoint was written; resume from "
              + (newest == null ? "the start" : newest.describe()),
          e);
    }
    if (phase == Phase.INSIDE_WINDOW) {
      StoredCheckpoint newest = writer.lastCommitted();
      return new TrainingFailedException(
          where
              + "\nThe failure happened in batch "
              + (progress.windowPosition() + 1)
              + " of a gradient-accumulation window, whose summed gradients it may have changed, so no emergency checkpoint"
              + " was written; resume from "
              + (newest == null ? "the start" : newest.describe()),
          e);
    }
    try {
      StoredCheckpoint saved =
          writer
              .saveResumable(
                  CheckpointTag.emergency(iteration, Trainer.REASON_ERROR),
                  Set.of(CheckpointTag.LATEST))
              .join();
      LOG.error("{}; wrote emergency checkpoint {}", where, saved.describe());
      return new TrainingFailedException(
          where
              + "\nWrote emergency checkpoint "
              + saved.describe()
              + " of the last "
              + "good state; resume with: "
              + resumeCommand.forCheckpoint(saved.tag().token()),
          e);
    } catch (RuntimeException saveFailure) {
      e.addSuppressed(saveFailure);
      return new TrainingFailedException(
          where
              + "\nThe emergency checkpoint could not be written either ("
              + describe(saveFailure)
              + ")",
          e);
    }
  }

  /**
   * Stops after {@code max_failed_saves} failed saves in a row: every further update would be work
   * that no checkpoint protects. Tries once more to save the current state (space may have been
   * freed, and a save can fail for a reason that passed), then fails with what is needed to go on.
   */
  CheckpointSavesFailedException savesFail() {
    writer.flush();
    TrainingIteration iteration = progress.iteration;
    Throwable last = writer.lastFailure();
    StoredCheckpoint newest = writer.lastCommitted();
    String why =
        "training "
            + stage
            + " stopped at "
            + iteration
            + " because the last "
            + writer.consecutiveFailures()
            + " checkpoint saves failed (trainer.max_failed_saves: "
            + maxFailedSaves
            + "); the last failure: "
            + describe(last);
    Path checkpoints = stageDir.resolve(RunLayout.CHECKPOINTS);
    try {
      StoredCheckpoint saved =
          writer
              .saveResumable(
                  CheckpointTag.emergency(iteration, Trainer.REASON_SAVES_FAILED),
                  Set.of(CheckpointTag.LATEST))
              .join();
      LOG.error("{}; wrote emergency checkpoint {}", why, saved.describe());
      return new CheckpointSavesFailedException(
          why
              + "\nThe emergency checkpoint "
              + saved.describe()
              + " of the state at"
              + " the stop was written after all, so nothing is lost. "
              + SaveSpace.advice(last, checkpoints)
              + " Then continue with: "
              + resumeCommand.forCheckpoint(null),
          true,
          last);
    } catch (RuntimeException e) {
      LOG.error("{}; the emergency checkpoint could not be written either: {}", why, describe(e));
      // The emergency save's own failure is the freshest word on how much space is needed.
      Throwable cause = writer.lastFailure() != null ? writer.lastFailure() : last;
      CheckpointSavesFailedException failed =
          new CheckpointSavesFailedException(
              why
                  + "\nThe emergency checkpoint"
                  + " could not be written either ("
                  + describe(e)
                  + "); the updates since "
                  + (newest == null
                      ? "the start"
                      : "the newest checkpoint, " + newest.describe() + ",")
                  + " are lost. "
                  + SaveSpace.advice(cause, checkpoints)
                  + " Then continue with: "
                  + resumeCommand.forCheckpoint(null),
              false,
              last);
      failed.addSuppressed(e);
      return failed;
    }
  }

  /** A failure's own message, unwrapped from the future it came through. */
  static String describe(@Nullable Throwable e) {
    if (e == null) {
      return "(not recorded)";
    }
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
