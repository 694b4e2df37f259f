package ai.noether.callbacks.stopping;

import ai.noether.api.callback.Callback;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import ai.noether.callbacks.metric.Directions;

/** {@code kind: early-stopping}: see {@link EarlyStoppingCallback}. */
public final class EarlyStoppingCallbackFactory
    implements CallbackFactory<EarlyStoppingCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "early-stopping";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<EarlyStoppingCallbackConfig> configType() {
    return EarlyStoppingCallbackConfig.class;
  }

  @Override
  public String description() {
    return "stops training when a metric has not improved for `patience` evaluations";
  }

  @Override
  public Callback create(EarlyStoppingCallbackConfig config, ComponentContext context) {
    return new EarlyStoppingCallback(config, config.direction(Directions.declaredBy(context)));
  }

  /**
   * A watched metric whose direction neither {@code mode} nor the training step gives is an error.
   */
  // RunPlan.checkDirection takes a null mode (none configured), which its api signature does not
  // declare yet
  @SuppressWarnings("NullAway")
  @Override
  public void check(EarlyStoppingCallbackConfig config, RunPlan plan, ConfigProblems problems) {
    plan.checkDirection(config.mode(), config.metricKey(), "mode", "metric_key", problems);
  }
}
