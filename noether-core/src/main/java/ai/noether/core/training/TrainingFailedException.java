package ai.noether.core.training;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;

/**
 * Training stopped because of an error. The message says at which iteration, why, and which
 * checkpoint to resume from (the emergency checkpoint written for this failure when the state was
 * consistent, otherwise the newest earlier one).
 */
public class TrainingFailedException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public TrainingFailedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
