package ai.noether.api.spi;

import ai.noether.api.metric.Metric;

/**
 * Builds metrics (the entries of a step's {@code metrics:} lists); listed in {@code
 * META-INF/services/ai.noether.api.spi.MetricFactory}.
 */
public interface MetricFactory<C> extends ComponentFactory<C> {

  /** Creates the metric from its bound configuration. */
  Metric create(C config, ComponentContext context);
}
