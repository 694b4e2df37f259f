package ai.noether.examples.plugin.timebudget;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/**
 * The {@code time-budget} callback kind; see {@link TimeBudgetCallback} and {@link
 * TimeBudgetCallbackConfig}. Listed in {@code
 * META-INF/services/ai.noether.api.spi.CallbackFactory}, which is all it takes to register it.
 */
public final class TimeBudgetCallbackFactory implements CallbackFactory<TimeBudgetCallbackConfig> {

  @Override
  public String kind() {
    return "time-budget";
  }

  @Override
  public Class<TimeBudgetCallbackConfig> configType() {
    return TimeBudgetCallbackConfig.class;
  }

  @Override
  public String description() {
    return "stops with a resumable checkpoint before a wall-clock limit (max_minutes or deadline) runs out";
  }

  /**
   * @throws IllegalArgumentException if the deadline has passed (reported as a config error)
   */
  @Override
  public Callback create(TimeBudgetCallbackConfig config, ComponentContext context) {
    return new TimeBudgetCallback(config);
  }
}
