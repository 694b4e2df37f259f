package ai.noether.api.train;

import ai.noether.api.data.Dataset;
import ai.noether.api.metric.Direction;
import java.util.Map;

/**
 * The engine's half of an update: forward pass, loss and backward pass on a batch chosen by the
 * trainer. The trainer owns everything else (data order, counters, optimizer step, schedule,
 * callbacks, checkpoints), so a user who needs a different loss overrides only this part.
 */
public interface TrainingStep extends AutoCloseable {

  /**
   * Runs forward and backward on the given samples of the training split and leaves the gradients
   * in the model for the optimizer.
   *
   * @param sampleIndices indices into the training dataset, in batch order
   * @param seed randomness for this update only (dropout, augmentation): derived by the trainer
   *     from the run seed and the update counter, so a resumed run draws the same numbers
   * @return the mean loss of the batch
   */
  double train(long[] sampleIndices, long seed);

  /**
   * Runs one update like {@link #train} and reports the loss together with further metrics of the
   * update (per-head losses, gradient norms). The trainer calls this method; the default calls
   * {@link #train} and reports the loss alone, so a step that reports only a loss implements {@link
   * #train} as before. A step that reports more overrides this method, and its {@link #train} may
   * return {@code trainStep(sampleIndices, seed).loss()}.
   *
   * @return the loss and the metrics; never null
   */
  default StepResult trainStep(long[] sampleIndices, long seed) {
    return StepResult.of(train(sampleIndices, seed));
  }

  /**
   * How many updates ahead the trainer announces the samples it will train on ({@link #prefetch}),
   * so that a step can prepare batches in the background. The default, 0, announces nothing.
   */
  default int prefetchDepth() {
    return 0;
  }

  /**
   * A hint: a coming update will call {@link #trainStep} with these samples, in this order. The
   * trainer calls it before each update for the following {@link #prefetchDepth()} updates, in the
   * order they will run (a batch may be announced more than once). A step may start gathering the
   * batch in the background; it must still train on exactly the samples {@link #trainStep} is
   * given, announced or not, so that the data order never depends on prefetching. The default
   * ignores the hint.
   *
   * @param sampleIndices indices into the training dataset; the caller does not change them later
   */
  default void prefetch(long[] sampleIndices) {}

  /**
   * Evaluates the model on a dataset without changing it.
   *
   * @param split the split's name, used in metric keys ({@code loss/valid/total})
   * @return metrics by key; never null
   */
  Map<String, Double> evaluate(Dataset dataset, String split);

  /**
   * A dry run before training: the forward pass and the loss on the given training samples, to find
   * a model and data that do not fit each other before anything is trained or saved. It must leave
   * everything as it was: no backward pass, no recorded gradients, no change to weights or buffers,
   * no draw from any random generator that training uses, so a run with a dry run trains bit for
   * bit like one without. The default does nothing.
   *
   * @param sampleIndices indices into the training dataset: one batch
   * @throws RuntimeException (best an {@link IllegalArgumentException}) saying what does not fit;
   *     the framework reports it as a configuration error naming the model and dataset blocks
   */
  default void dryRun(long[] sampleIndices) {}

  /**
   * Whether lower or higher is better for each metric this step reports, by metric name: the first
   * part of a metric key ({@code rmse} for {@code rmse/valid/rul}, {@code loss} for {@code
   * loss/valid/total}). Callbacks that select by a metric take its direction from here unless their
   * configuration gives {@code mode:}. The default declares the loss only.
   */
  default Map<String, Direction> metricDirections() {
    return Map.of("loss", Direction.LOWER_IS_BETTER);
  }

  @Override
  default void close() {}
}
