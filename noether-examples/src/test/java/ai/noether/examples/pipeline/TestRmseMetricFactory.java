package ai.noether.examples.pipeline;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;
import ai.noether.core.metric.RmseMetric;

/**
 * {@code kind: test-rmse}: the {@code rmse} metric under another name, a test stand-in for the
 * metric plugins. Found through the test services file.
 */
public final class TestRmseMetricFactory implements MetricFactory<Void> {
  @Override
  public String kind() {
    return "test-rmse";
  }

  @Override
  public Class<Void> configType() {
    return Void.class;
  }

  @Override
  public Metric create(Void config, ComponentContext context) {
    return new Metric() {
      @Override
      public String name() {
        return "test-rmse";
      }

      @Override
      public Direction direction() {
        return Direction.LOWER_IS_BETTER;
      }

      @Override
      public Accumulator newAccumulator() {
        return new RmseMetric().newAccumulator();
      }
    };
  }
}
