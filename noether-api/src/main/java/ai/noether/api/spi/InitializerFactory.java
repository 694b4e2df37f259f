package ai.noether.api.spi;

import ai.noether.api.init.Initializer;

/**
 * Builds initializers; listed in {@code META-INF/services/ai.noether.api.spi.InitializerFactory}.
 */
public interface InitializerFactory<C> extends ComponentFactory<C> {

  Initializer create(C config, ComponentContext context);
}
