package ai.noether.api.optim;

import ai.noether.api.state.Stateful;

/**
 * Updates a model's trainable parameters from their gradients. Its {@link #state()} holds every
 * per-parameter buffer (moments, step counts) keyed by parameter path, never by engine ids, so
 * that an optimizer restored in another process continues bit for bit.
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
   * The configured base learning rate (the {@code lr} key of the optimizer block), which an
   * {@link LrSchedule} scales. Every built-in optimizer reports it; the default throws
   * {@link UnsupportedOperationException} for optimizers that have none.
   */
  default double baseLearningRate() {
    throw new UnsupportedOperationException(
        "optimizer '" + kind() + "' does not report a base learning rate; give its block an lr key");
  }
}
