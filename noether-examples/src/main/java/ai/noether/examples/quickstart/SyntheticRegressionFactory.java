package ai.noether.examples.quickstart;

import ai.noether.api.data.DataSource;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;

/** The {@code synthetic-regression} dataset kind; see {@link SyntheticRegressionConfig}. */
public final class SyntheticRegressionFactory implements DatasetFactory<SyntheticRegressionConfig> {

  @Override
  public String kind() {
    return "synthetic-regression";
  }

  @Override
  public Class<SyntheticRegressionConfig> configType() {
    return SyntheticRegressionConfig.class;
  }

  @Override
  public String description() {
    return "a generated non-linear regression problem with standardised features (no download)";
  }

  @Override
  public DataSource create(SyntheticRegressionConfig config, long seed, ComponentContext context) {
    return new SyntheticRegression(config);
  }
}
