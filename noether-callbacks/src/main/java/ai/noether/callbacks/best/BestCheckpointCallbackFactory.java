package ai.noether.callbacks.best;

import ai.noether.api.callback.Callback;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.callbacks.metric.Directions;

/** {@code kind: best-checkpoint}: see {@link BestCheckpointCallback}. */
public final class BestCheckpointCallbackFactory
    implements CallbackFactory<BestCheckpointCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "best-checkpoint";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<BestCheckpointCallbackConfig> configType() {
    return BestCheckpointCallbackConfig.class;
  }

  @Override
  public String description() {
    return "saves the model as best.{metric} whenever a metric reaches a new best value";
  }

  @Override
  public Callback create(BestCheckpointCallbackConfig config, ComponentContext context) {
    return new BestCheckpointCallback(config, config.direction(Directions.declaredBy(context)));
  }

  /**
   * A watched metric whose direction neither {@code mode} nor the training step gives is an error.
   */
  // RunPlan.checkDirection takes a null mode (none configured), which its api signature does not
  // declare yet
  @SuppressWarnings("NullAway")
  @Override
  public void check(BestCheckpointCallbackConfig config, RunPlan plan, ConfigProblems problems) {
    plan.checkDirection(config.mode(), config.metricKey(), "mode", "metric_key", problems);
  }
}
