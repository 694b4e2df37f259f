package ai.noether.callbacks.csv;

import ai.noether.api.logger.MetricLogger;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.MetricLoggerFactory;

/** {@code kind: csv}: see {@link CsvLogger}. */
public final class CsvLoggerFactory implements MetricLoggerFactory<CsvLoggerConfig> {
  /** The permanent kind name. */
  public static final String KIND = "csv";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CsvLoggerConfig> configType() {
    return CsvLoggerConfig.class;
  }

  @Override
  public String description() {
    return "writes every logged metric to <stage_dir>/metrics.csv, one column per metric (pandas.read_csv reads it)";
  }

  @Override
  public MetricLogger create(CsvLoggerConfig config, ComponentContext context) {
    return new CsvLogger(config.fileName());
  }
}
