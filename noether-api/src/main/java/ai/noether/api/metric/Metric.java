package ai.noether.api.metric;

import ai.noether.api.tensor.HostTensor;

/**
 * A quality measure computed batch by batch during the evaluation pass (no second pass over the
 * data): the step hands each batch's predictions of one head and the matching target field to an
 * {@link Accumulator}, and reads {@link Accumulator#value()} at the end of the split.
 *
 * <p>Metric keys are {@code {name}/{split}/{target}}, for example {@code rmse/valid/rul}; the
 * losses are {@code loss/{split}/{target}} and {@code loss/{split}/total} (see {@link MetricKeys}).
 *
 * <p>Implementations are stateless; all state lives in the accumulators, one per split and head, so
 * a metric may be evaluated on several splits at once.
 */
public interface Metric {

  /** The name used in metric keys ({@code rmse}, {@code nasa_score}); never blank. */
  String name();

  /** Whether smaller or larger values are better. */
  Direction direction();

  /** A fresh accumulator for one pass over one split and one head. */
  Accumulator newAccumulator();

  /** Collects one split's batches for one metric and head. Used by one thread at a time. */
  interface Accumulator {

    /**
     * Adds one batch.
     *
     * @param predictions the head's output for the batch, {@code [batch, ...]}, float32 or float64
     *     on the host
     * @param targets the target field's values for the same samples, {@code [batch, ...]}
     * @throws IllegalArgumentException naming the metric and the shapes when they do not fit
     */
    void add(HostTensor predictions, HostTensor targets);

    /** The metric over everything added so far; NaN when nothing was added. */
    double value();
  }
}
