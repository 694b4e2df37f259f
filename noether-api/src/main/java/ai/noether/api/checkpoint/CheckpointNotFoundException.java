package ai.noether.api.checkpoint;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;

/**
 * A run, stage or checkpoint that does not exist (or a selector that matches several). The message
 * lists what does exist so that the user can pick.
 */
public class CheckpointNotFoundException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public CheckpointNotFoundException(String message) {
    super(message);
  }

  public CheckpointNotFoundException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
