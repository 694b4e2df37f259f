package ai.noether.api.spi;

import ai.noether.api.model.Model;

/** Builds models; listed in {@code META-INF/services/ai.noether.api.spi.ModelFactory}. */
public interface ModelFactory<C> extends ComponentFactory<C> {

  /**
   * Builds a model with freshly initialised weights.
   *
   * @param name the configured model name
   */
  Model create(String name, C config, ComponentContext context);
}
