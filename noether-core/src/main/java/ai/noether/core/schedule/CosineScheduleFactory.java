package ai.noether.core.schedule;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
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

  /** A {@code total_updates} beyond the run is legal but cuts the decay short: a warning. */
  @Override
  public void check(CosineScheduleConfig config, RunPlan plan, ConfigProblems problems) {
    if (config.totalUpdates() != null) {
      warnIfCutShort(config.totalUpdates(), plan, problems);
    }
  }

  static void warnIfCutShort(long totalUpdates, RunPlan plan, ConfigProblems problems) {
    if (totalUpdates > plan.totalUpdates()) {
      problems.warning(
          "total_updates",
          totalUpdates
              + " is longer than the run ("
              + plan.lengthText()
              + "): the decay is cut short after "
              + plan.totalUpdates()
              + " updates and never reaches its end rate."
              + " Leave total_updates out to decay over the whole run.");
    }
  }

  @Override
  public LrSchedule create(CosineScheduleConfig config, ComponentContext context) {
    return new CosineSchedule(config);
  }
}
