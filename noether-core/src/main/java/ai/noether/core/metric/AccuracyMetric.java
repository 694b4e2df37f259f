package ai.noether.core.metric;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.tensor.HostTensor;
import java.util.Objects;

/**
 * {@code accuracy}: the fraction of samples whose predicted class is the true one (see {@link
 * Classes} for how predictions and targets are read). Higher is better.
 */
public final class AccuracyMetric implements Metric {
  /** The metric's name in keys, and its kind. */
  public static final String NAME = "accuracy";

  private final AccuracyMetricConfig config;

  public AccuracyMetric(AccuracyMetricConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Direction direction() {
    return Direction.HIGHER_IS_BETTER;
  }

  @Override
  public Accumulator newAccumulator() {
    return new Accumulator() {
      private long correct;
      private long count;

      @Override
      public void add(HostTensor predictions, HostTensor targets) {
        Classes c = Classes.of(NAME, predictions, targets, config.threshold());
        for (int i = 0; i < c.predicted().length; i++) {
          if (c.predicted()[i] == c.actual()[i]) {
            correct++;
          }
        }
        count += c.predicted().length;
      }

      @Override
      public double value() {
        return count == 0 ? Double.NaN : correct / (double) count;
      }
    };
  }
}
