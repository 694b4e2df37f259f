package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;

/** {@code kind: mae}: see {@link MaeMetric}. */
public final class MaeMetricFactory implements MetricFactory<Void> {
  /** The permanent kind name, also the metric's name in keys. */
  public static final String KIND = MaeMetric.NAME;

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
    return "mean absolute error of predicted values (lower is better)";
  }

  @Override
  public Metric create(Void config, ComponentContext context) {
    return new MaeMetric();
  }
}
