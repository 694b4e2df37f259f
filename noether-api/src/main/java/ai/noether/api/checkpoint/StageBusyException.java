package ai.noether.api.checkpoint;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import java.util.Optional;

/**
 * A stage that another writer holds ({@link CheckpointStore#claim}): a second training or resume of
 * a stage that is being trained. The message names the holder (process id, host, start time and
 * command line) and how to go on. The command line exits with status 2 on it, as it does when a
 * fresh start would overwrite a stage's checkpoints.
 */
public class StageBusyException extends NoetherException {
  private static final long serialVersionUID = 1L;
  private final transient StageId stage;
  private final transient @Nullable StageWriter holder;

  /**
   * @param holder the writer that holds the stage, or null when the store could not tell
   */
  public StageBusyException(String message, StageId stage, @Nullable StageWriter holder) {
    super(message);
    this.stage = stage;
    this.holder = holder;
  }

  /** The stage that is busy. */
  public StageId stage() {
    return stage;
  }

  /** The writer that holds the stage, when the store knows it. */
  public Optional<StageWriter> holder() {
    return Optional.ofNullable(holder);
  }
}
