package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;

/** {@code kind: accuracy}: see {@link AccuracyMetric}. */
public final class AccuracyMetricFactory implements MetricFactory<AccuracyMetricConfig> {
  /** The permanent kind name, also the metric's name in keys. */
  public static final String KIND = AccuracyMetric.NAME;

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<AccuracyMetricConfig> configType() {
    return AccuracyMetricConfig.class;
  }

  @Override
  public String description() {
    return "fraction of samples whose predicted class is the target class (higher is better)";
  }

  @Override
  public Metric create(AccuracyMetricConfig config, ComponentContext context) {
    return new AccuracyMetric(config == null ? new AccuracyMetricConfig(0.0) : config);
  }
}
