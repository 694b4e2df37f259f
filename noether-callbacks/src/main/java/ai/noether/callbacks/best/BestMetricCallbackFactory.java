package ai.noether.callbacks.best;

import ai.noether.api.callback.Callback;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.callbacks.metric.Directions;

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
    return new BestMetricCallback(config, config.direction(Directions.declaredBy(context)));
  }

  /**
   * A watched metric whose direction neither {@code mode} nor the training step gives is an error.
   */
  @Override
  public void check(BestMetricCallbackConfig config, RunPlan plan, ConfigProblems problems) {
    plan.checkDirection(config.mode(), config.sourceKey(), "mode", "source_key", problems);
  }
}
