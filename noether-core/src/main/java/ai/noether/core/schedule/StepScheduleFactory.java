package ai.noether.core.schedule;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
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

  /** A {@code step_size} that the run never reaches is legal but does nothing: a warning. */
  @Override
  public void check(StepScheduleConfig config, RunPlan plan, ConfigProblems problems) {
    if (config.stepSize() >= plan.totalUpdates()) {
      problems.warning(
          "step_size",
          config.stepSize()
              + " updates: the run ("
              + plan.lengthText()
              + ") ends before"
              + " the first reduction, so the learning rate stays at optimizer.lr. Use a step_size below "
              + plan.totalUpdates()
              + " or a constant schedule.");
    }
  }

  @Override
  public LrSchedule create(StepScheduleConfig config, ComponentContext context) {
    return new StepSchedule(config);
  }
}
