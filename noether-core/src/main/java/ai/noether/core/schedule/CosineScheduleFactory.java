package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code cosine} schedules; see {@link CosineScheduleConfig} for the YAML. */
public final class CosineScheduleFactory implements LrScheduleFactory<CosineScheduleConfig> {
  /** The registered kind. */
  public static final String KIND = "cosine";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CosineScheduleConfig> configType() {
    return CosineScheduleConfig.class;
  }

  @Override
  public String description() {
    return "cosine decay from the learning rate to min_lr or end_factor";
  }

  @Override
  public LrSchedule create(CosineScheduleConfig config, ComponentContext context) {
    return new CosineSchedule(config);
  }
}
