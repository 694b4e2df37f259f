package ai.noether.api.spi;

import ai.noether.api.logger.MetricLogger;

/**
 * Builds experiment loggers ({@code trainer.loggers}); listed in {@code
 * META-INF/services/ai.noether.api.spi.MetricLoggerFactory}.
 */
public interface MetricLoggerFactory<C> extends ComponentFactory<C> {

  MetricLogger create(C config, ComponentContext context);
}
