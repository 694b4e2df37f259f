package ai.noether.core.data;

import ai.noether.api.data.DataSource;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;
import java.nio.file.Path;

/**
 * The {@code table} dataset kind: numbers in delimited text files; see {@link TableDatasetConfig}.
 */
public final class TableDatasetFactory implements DatasetFactory<TableDatasetConfig> {

  @Override
  public String kind() {
    return "table";
  }

  @Override
  public Class<TableDatasetConfig> configType() {
    return TableDatasetConfig.class;
  }

  @Override
  public String description() {
    return "numbers in CSV, TSV or whitespace-separated text files (NASA C-MAPSS), optionally as sliding windows"
        + " per unit; memory-mapped";
  }

  @Override
  public DataSource create(TableDatasetConfig config, long seed, ComponentContext context) {
    return TableDatasets.open(config, seed, Path.of("").toAbsolutePath());
  }
}
