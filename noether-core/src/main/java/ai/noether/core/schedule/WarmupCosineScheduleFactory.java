package ai.noether.core.schedule;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;

/** Builds {@code warmup-cosine} schedules; see {@link WarmupCosineScheduleConfig} for the YAML. */
public final class WarmupCosineScheduleFactory
    implements LrScheduleFactory<WarmupCosineScheduleConfig> {
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

  /**
   * The warm-up must leave updates for the decay: without {@code total_updates} it must be shorter
   * than the run (else training fails at its first update), with it no longer than the run. A
   * {@code total_updates} beyond the run is legal and cuts the decay short: a warning.
   */
  @Override
  public void check(WarmupCosineScheduleConfig config, RunPlan plan, ConfigProblems problems) {
    Warmup warmup =
        new Warmup(KIND, config.warmupUpdates(), config.warmupFraction(), config.startFactor());
    long run = plan.totalUpdates();
    if (config.totalUpdates() == null) {
      warmup.check(
          plan,
          run - 1,
          "the run is "
              + plan.lengthText()
              + ", and the cosine decay after the warm-up"
              + " needs at least one of them",
          problems);
    } else {
      warmup.check(plan, run, "the run is " + plan.lengthText(), problems);
      CosineScheduleFactory.warnIfCutShort(config.totalUpdates(), plan, problems);
    }
  }

  @Override
  public LrSchedule create(WarmupCosineScheduleConfig config, ComponentContext context) {
    return new WarmupCosineSchedule(config);
  }
}
