package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code step} schedules; see {@link StepScheduleConfig} for the YAML. */
public final class StepScheduleFactory implements LrScheduleFactory<StepScheduleConfig> {
  /** The registered kind. */
  public static final String KIND = "step";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<StepScheduleConfig> configType() {
    return StepScheduleConfig.class;
  }

  @Override
  public String description() {
    return "multiplies the learning rate by gamma every step_size updates";
  }

  @Override
  public LrSchedule create(StepScheduleConfig config, ComponentContext context) {
    return new StepSchedule(config);
  }
}
