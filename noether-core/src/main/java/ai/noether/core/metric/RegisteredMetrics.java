package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.metric.MetricProvider;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.registry.ComponentRegistry;

/**
 * The {@link MetricProvider} outside a run (a step built by a test or a tool): the metric kinds
 * found on the class path. Listed in {@code
 * META-INF/services/ai.noether.api.metric.MetricProvider}.
 */
public final class RegisteredMetrics implements MetricProvider {
  private MetricProvider registry;

  @Override
  public synchronized Metric create(String path, Object entry, ComponentContext context) {
    if (registry == null) {
      registry = ComponentRegistry.load().metricProvider();
    }
    return registry.create(path, entry, context);
  }
}
