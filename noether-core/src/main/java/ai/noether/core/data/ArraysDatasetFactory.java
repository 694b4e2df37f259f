package ai.noether.core.data;

import ai.noether.api.data.DataSource;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;
import java.nio.file.Path;

/**
 * The {@code arrays} dataset kind: .npy, .npz and safetensors files per field; see {@link
 * ArraysDatasetConfig}.
 */
public final class ArraysDatasetFactory implements DatasetFactory<ArraysDatasetConfig> {

  @Override
  public String kind() {
    return "arrays";
  }

  @Override
  public Class<ArraysDatasetConfig> configType() {
    return ArraysDatasetConfig.class;
  }

  @Override
  public String description() {
    return "named fields from .npy, .npz and safetensors files, memory-mapped (larger than the heap is fine)";
  }

  @Override
  public DataSource create(ArraysDatasetConfig config, long seed, ComponentContext context) {
    return ArrayDatasets.open(config, seed, Path.of("").toAbsolutePath());
  }
}
