package ai.noether.callbacks.checkpoint;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: checkpoint}: see {@link CheckpointCallback}. */
public final class CheckpointCallbackFactory implements CallbackFactory<CheckpointCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "checkpoint";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CheckpointCallbackConfig> configType() {
    return CheckpointCallbackConfig.class;
  }

  @Override
  public String description() {
    return "periodic resumable checkpoint every N epochs/updates/samples/minutes, optionally keeping the last N";
  }

  /**
   * An interval the run never reaches is legal (the final checkpoint is still written) but saves
   * nothing periodically: a warning.
   */
  @Override
  public void check(CheckpointCallbackConfig config, RunPlan plan, ConfigProblems problems) {
    Interval interval = config.interval();
    if (!plan.reaches(interval)) {
      problems.warning(
          interval.key(),
          interval.every()
              + " is longer than the run ("
              + plan.lengthText()
              + "): no periodic checkpoint is written, only the final one. Use a shorter interval to be able to resume"
              + " from the middle of the run.");
    }
  }

  @Override
  public Callback create(CheckpointCallbackConfig config, ComponentContext context) {
    return new CheckpointCallback(config);
  }
}
