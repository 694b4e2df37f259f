package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;

/** {@code kind: f1}: see {@link F1Metric}. */
public final class F1MetricFactory implements MetricFactory<F1MetricConfig> {
  /** The permanent kind name, also the metric's name in keys. */
  public static final String KIND = F1Metric.NAME;

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<F1MetricConfig> configType() {
    return F1MetricConfig.class;
  }

  @Override
  public String description() {
    return "F1 score of class 1 (binary) or the mean over classes (macro) (higher is better)";
  }

  @Override
  public Metric create(F1MetricConfig config, ComponentContext context) {
    return new F1Metric(config == null ? new F1MetricConfig(F1MetricConfig.BINARY, 0.0) : config);
  }
}
