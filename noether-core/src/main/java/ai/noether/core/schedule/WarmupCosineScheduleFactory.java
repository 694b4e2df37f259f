package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code warmup-cosine} schedules; see {@link WarmupCosineScheduleConfig} for the YAML. */
public final class WarmupCosineScheduleFactory implements LrScheduleFactory<WarmupCosineScheduleConfig> {
  /** The registered kind. */
  public static final String KIND = "warmup-cosine";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<WarmupCosineScheduleConfig> configType() {
    return WarmupCosineScheduleConfig.class;
  }

  @Override
  public String description() {
    return "linear warmup, then cosine decay";
  }

  @Override
  public LrSchedule create(WarmupCosineScheduleConfig config, ComponentContext context) {
    return new WarmupCosineSchedule(config);
  }
}
