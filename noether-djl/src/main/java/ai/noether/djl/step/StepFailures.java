package ai.noether.djl.step;

import ai.djl.ndarray.types.Shape;
import ai.noether.api.NoetherException;

/**
 * The errors of a forward pass or loss that fails on a batch, naming the model, the batch's shapes
 * and the loss, so that a mismatch between model, data and loss reads as one.
 */
final class StepFailures {
  private StepFailures() {}

  /** The dry run's error: the first line of the engine's message is enough there. */
  static IllegalArgumentException dryRun(
      String modelName, Batch batch, String lossText, RuntimeException e) {
    String message = e.getMessage();
    return new IllegalArgumentException(
        "model '"
            + modelName
            + "' on inputs "
            + batch.inputs().head().getShape()
            + " with targets "
            + batch.targets().head().getShape()
            + " and loss "
            + lossText
            + ": "
            + (message == null ? e.getClass().getSimpleName() : firstLine(message)),
        e);
  }

  /** The dry run's error for a loss that is not a scalar. */
  static IllegalArgumentException notScalar(String modelName, Shape shape) {
    return new IllegalArgumentException(
        "the loss of model '"
            + modelName
            + "' is "
            + shape
            + ", not a single number; a loss must reduce the batch to a scalar");
  }

  /** A training update's error. */
  static NoetherException training(
      String modelName, Batch batch, String lossText, RuntimeException e) {
    return new NoetherException(
        "the forward pass or loss of model '"
            + modelName
            + "' failed on a batch of inputs "
            + batch.inputs().head().getShape()
            + " and targets "
            + batch.targets().head().getShape()
            + " (loss "
            + lossText
            + "): "
            + e.getMessage(),
        e);
  }

  private static String firstLine(String s) {
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl);
  }
}
