package ai.noether.core.training;

import ai.noether.api.Nullable;

/**
 * Training stopped because {@code trainer.max_failed_saves} checkpoint saves in a row failed (a
 * full disk, a storage that went away), rather than train on with nothing to resume from. The
 * message says why the saves failed, how much space one checkpoint needs when space was the
 * problem, whether the emergency checkpoint of the stopped state could be written, and how to
 * continue. The command line exits with status 4 on it.
 */
public class CheckpointSavesFailedException extends TrainingFailedException {
  private static final long serialVersionUID = 1L;
  private final boolean emergencyCheckpointWritten;

  public CheckpointSavesFailedException(
      String message, boolean emergencyCheckpointWritten, @Nullable Throwable cause) {
    super(message, cause);
    this.emergencyCheckpointWritten = emergencyCheckpointWritten;
  }

  /**
   * True when the state at the stop was saved after all; otherwise the newest earlier checkpoint is
   * the one to resume.
   */
  public boolean emergencyCheckpointWritten() {
    return emergencyCheckpointWritten;
  }
}
