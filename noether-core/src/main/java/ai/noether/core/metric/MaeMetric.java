package ai.noether.core.metric;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;

/**
 * {@code mae}: the mean absolute difference between predicted and target values, over every value
 * of every sample of the split. Lower is better.
 */
public final class MaeMetric implements Metric {
  /** The metric's name in keys, and its kind. */
  public static final String NAME = "mae";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Direction direction() {
    return Direction.LOWER_IS_BETTER;
  }

  @Override
  public Accumulator newAccumulator() {
    return new ErrorSum(NAME, Math::abs, (sum, count) -> sum / count);
  }
}
