package ai.noether.api.optim;

import ai.noether.api.state.Stateful;
import ai.noether.api.tensor.HostTensor;
import java.util.Map;

/**
 * Updates a model's trainable parameters from their gradients. Its {@link #state()} holds every
 * per-parameter buffer (moments, step counts) keyed by parameter path, never by engine ids, so that
 * an optimizer restored in another process continues bit for bit.
 */
public interface Optimizer extends Stateful {

  /** The registered kind ({@code sgd}, {@code adam}, {@code adamw}, ...). */
  String kind();

  /**
   * Applies one update with the given learning rate to every trainable parameter that has a
   * gradient, then clears the gradients.
   */
  void step(double learningRate);

  /**
   * Applies one update from gradients summed over {@code accumulatedBatches} batches (gradient
   * accumulation, {@code trainer.accumulate_grad_batches}): the update uses their mean, the sum
   * divided by {@code accumulatedBatches}, before clipping; then clears the gradients. With 1 it is
   * {@link #step(double)}.
   *
   * @throws UnsupportedOperationException for more than one batch when the optimizer does not
   *     {@link #accumulatesGradients()}
   */
  default void step(double learningRate, int accumulatedBatches) {
    if (accumulatedBatches != 1) {
      throw new UnsupportedOperationException(
          "optimizer '"
              + kind()
              + "' cannot average gradients accumulated over "
              + accumulatedBatches
              + " batches; set trainer.accumulate_grad_batches: 1");
    }
    step(learningRate);
  }

  /**
   * Whether this optimizer supports gradient accumulation: {@link #step(double, int)} with more
   * than one batch, {@link #gradients()} and {@link #loadGradients}. False by default.
   */
  default boolean accumulatesGradients() {
    return false;
  }

  /**
   * Host copies of the gradients the trainable parameters hold now, by parameter path: inside an
   * accumulation window, the sum over its batches so far. Parameters without a gradient are absent.
   *
   * @throws UnsupportedOperationException unless the optimizer {@link #accumulatesGradients()}
   */
  default Map<String, HostTensor> gradients() {
    throw new UnsupportedOperationException("optimizer '" + kind() + "' cannot export gradients");
  }

  /**
   * Sets the gradients of the trainable parameters to saved values (a resume inside an accumulation
   * window); parameters absent from the map get none, or zero where they have one.
   *
   * @throws IllegalArgumentException naming a path this optimizer does not train or a tensor whose
   *     shape or dtype differs from its parameter; nothing is changed then
   * @throws UnsupportedOperationException unless the optimizer {@link #accumulatesGradients()}
   */
  default void loadGradients(Map<String, HostTensor> gradients) {
    throw new UnsupportedOperationException("optimizer '" + kind() + "' cannot load gradients");
  }

  /**
   * The configured base learning rate (the {@code lr} key of the optimizer block), which an {@link
   * LrSchedule} scales. Every built-in optimizer reports it; the default throws {@link
   * UnsupportedOperationException} for optimizers that have none.
   */
  default double baseLearningRate() {
    throw new UnsupportedOperationException(
        "optimizer '"
            + kind()
            + "' does not report a base learning rate; give its block an lr key");
  }
}
