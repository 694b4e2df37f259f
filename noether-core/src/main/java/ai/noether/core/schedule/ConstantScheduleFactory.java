package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code constant} schedules; see {@link ConstantScheduleConfig} for the YAML. */
public final class ConstantScheduleFactory implements LrScheduleFactory<ConstantScheduleConfig> {
  /** The registered kind. */
  public static final String KIND = "constant";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<ConstantScheduleConfig> configType() {
    return ConstantScheduleConfig.class;
  }

  @Override
  public String description() {
    return "the optimizer's learning rate for every update";
  }

  @Override
  public LrSchedule create(ConstantScheduleConfig config, ComponentContext context) {
    return new ConstantSchedule(config);
  }
}
