package ai.noether.callbacks.best;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: best-metric}: see {@link BestMetricCallback}. */
public final class BestMetricCallbackFactory implements CallbackFactory<BestMetricCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "best-metric";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<BestMetricCallbackConfig> configType() {
    return BestMetricCallbackConfig.class;
  }

  @Override
  public String description() {
    return "logs <target>/at_best/<source>: other metrics at the iteration where a source metric was best";
  }

  @Override
  public Callback create(BestMetricCallbackConfig config, ComponentContext context) {
    return new BestMetricCallback(config);
  }
}
