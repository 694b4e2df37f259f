package ai.noether.api.spi;

import ai.noether.api.data.DataSource;

/** Builds data sources; listed in {@code META-INF/services/ai.noether.api.spi.DatasetFactory}. */
public interface DatasetFactory<C> extends ComponentFactory<C> {

  /**
   * Builds the data source. Must be deterministic for a given config and seed: a resumed run
   * rebuilds it and expects the same samples.
   */
  DataSource create(C config, long seed, ComponentContext context);
}
