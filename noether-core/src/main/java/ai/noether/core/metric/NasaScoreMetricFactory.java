package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricFactory;

/** {@code kind: nasa_score}: see {@link NasaScoreMetric}. */
public final class NasaScoreMetricFactory implements MetricFactory<Void> {
  /** The permanent kind name, also the metric's name in keys. */
  public static final String KIND = NasaScoreMetric.NAME;

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
    return "NASA's asymmetric remaining-useful-life score, late predictions cost more (lower is better)";
  }

  @Override
  public Metric create(Void config, ComponentContext context) {
    return new NasaScoreMetric();
  }
}
