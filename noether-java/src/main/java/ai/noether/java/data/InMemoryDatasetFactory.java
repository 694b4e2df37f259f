package ai.noether.java.data;

import ai.noether.api.data.DataSource;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;

/** The {@code in-memory} dataset kind; see {@link InMemoryDatasetConfig}. */
public final class InMemoryDatasetFactory implements DatasetFactory<InMemoryDatasetConfig> {
  /** The kind's name. */
  public static final String KIND = "in-memory";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<InMemoryDatasetConfig> configType() {
    return InMemoryDatasetConfig.class;
  }

  @Override
  public String description() {
    return "a data source built in Java code and given to NoetherConfig.dataset(name, source)";
  }

  @Override
  public DataSource create(InMemoryDatasetConfig config, long seed, ComponentContext context) {
    return InMemoryDatasets.require(config.name());
  }
}
