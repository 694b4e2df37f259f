package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;

/** {@code kind: rmse}: see {@link RmseMetric}. */
public final class RmseMetricFactory implements MetricFactory<Void> {
  /** The permanent kind name, also the metric's name in keys. */
  public static final String KIND = RmseMetric.NAME;

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<Void> configType() {
    return Void.class;
  }

  @Override
  public String description() {
    return "root mean squared error of predicted values (lower is better)";
  }

  @Override
  public Metric create(Void config, ComponentContext context) {
    return new RmseMetric();
  }
}
