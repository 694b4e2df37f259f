package ai.noether.core.training;

import ai.noether.api.checkpoint.TrainingIteration;

/** Thrown inside the loop when a loss is NaN or infinite and the policy says to stop. */
final class NonFiniteLossException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NonFiniteLossException(double loss, TrainingIteration at) {
    super(
        "the loss of update "
            + (at.update() + 1)
            + " is "
            + loss
            + "; the update was not applied "
            + "(set trainer.non_finite_loss: ignore to train on regardless)");
  }
}
