package ai.noether.core.schedule;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code linear-warmup} schedules; see {@link LinearWarmupScheduleConfig} for the YAML. */
public final class LinearWarmupScheduleFactory
    implements LrScheduleFactory<LinearWarmupScheduleConfig> {
  /** The registered kind. */
  public static final String KIND = "linear-warmup";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<LinearWarmupScheduleConfig> configType() {
    return LinearWarmupScheduleConfig.class;
  }

  @Override
  public String description() {
    return "linear warmup, then the optimizer's learning rate";
  }

  /** A warm-up longer than the run is an error: the rate would never reach {@code optimizer.lr}. */
  @Override
  public void check(LinearWarmupScheduleConfig config, RunPlan plan, ConfigProblems problems) {
    new Warmup(KIND, config.warmupUpdates(), config.warmupFraction(), config.startFactor())
        .check(plan, plan.totalUpdates(), "the run is " + plan.lengthText(), problems);
  }

  @Override
  public LrSchedule create(LinearWarmupScheduleConfig config, ComponentContext context) {
    return new LinearWarmupSchedule(config);
  }
}
