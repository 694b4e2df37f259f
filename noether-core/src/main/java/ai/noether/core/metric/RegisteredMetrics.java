package ai.noether.core.metric;

import ai.noether.api.Nullable;
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
  @Nullable private MetricProvider registry;

  @Override
  public synchronized Metric create(String path, Object entry, ComponentContext context) {
    MetricProvider provider = registry;
    if (provider == null) {
      provider = ComponentRegistry.load().metricProvider();
      registry = provider;
    }
    return provider.create(path, entry, context);
  }
}
