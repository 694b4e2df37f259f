package ai.noether.api.metric;

import ai.noether.api.spi.ComponentContext;

/**
 * Creates metrics from the entries of a step's {@code metrics:} lists through the registered metric
 * kinds, so that a training step builds its metrics without knowing the registry. A run offers one
 * as a service ({@code context.find(MetricProvider.class)}); outside a run the one listed in {@code
 * META-INF/services/ai.noether.api.metric.MetricProvider} is used.
 */
public interface MetricProvider {

  /**
   * The metric an entry names.
   *
   * @param path the entry's YAML path, for messages ({@code trainer.targets.rul.metrics[0]})
   * @param entry a kind name ({@code rmse}) or a mapping with {@code kind:} and the metric's
   *     settings
   * @param context the run's services, for metrics that use them
   * @throws ai.noether.api.ConfigException naming the path for an unknown kind or a bad setting
   */
  Metric create(String path, Object entry, ComponentContext context);
}
