package ai.noether.djl.step;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.NoetherException;
import ai.noether.djl.internal.GradMode;

/**
 * Runs a batch's forward pass and loss so that a failure names the model, the batch's shapes and
 * the loss: a mismatch between model, data and loss then reads as one, not as an engine error.
 */
final class BatchLossChecks {
  /** The step's forward pass and loss on a batch. */
  @FunctionalInterface
  interface BatchLoss {
    /** The mean loss of a batch; {@code training} is true while training (dropout active). */
    NDArray of(NDList inputs, NDList targets, boolean training);
  }

  private final String modelName;
  private final String lossText;
  private final BatchLoss loss;

  /**
   * @param modelName the model's name, for messages
   * @param lossText the loss as messages name it ({@code mse}, {@code rul: mse, health: l1})
   */
  BatchLossChecks(String modelName, String lossText, BatchLoss loss) {
    this.modelName = modelName;
    this.lossText = lossText;
    this.loss = loss;
  }

  /**
   * The training loss of {@code batch}.
   *
   * @throws NoetherException if the engine or the loss refuses the batch
   */
  NDArray training(Batch batch) {
    try {
      return loss.of(batch.inputs(), batch.targets(), true);
    } catch (EngineException | IllegalArgumentException e) {
      throw new NoetherException(
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
  }

  /**
   * Computes the loss of {@code batch} in inference mode without recording gradients, and checks
   * that it is one number.
   *
   * @throws IllegalArgumentException naming the model, the batch's shapes and the loss
   */
  void dryRun(Batch batch) {
    GradMode.withoutRecording(
        () -> {
          NDArray value;
          try {
            value = loss.of(batch.inputs(), batch.targets(), false);
          } catch (RuntimeException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(
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
          if (value.size() != 1) {
            throw new IllegalArgumentException(
                "the loss of model '"
                    + modelName
                    + "' is "
                    + value.getShape()
                    + ", not a single number; a loss must reduce the batch to a scalar");
          }
          value.getFloat();
        });
  }

  private static String firstLine(String s) {
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl);
  }
}
