package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code linear-warmup} schedules; see {@link LinearWarmupScheduleConfig} for the YAML. */
public final class LinearWarmupScheduleFactory implements LrScheduleFactory<LinearWarmupScheduleConfig> {
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

  @Override
  public LrSchedule create(LinearWarmupScheduleConfig config, ComponentContext context) {
    return new LinearWarmupSchedule(config);
  }
}
