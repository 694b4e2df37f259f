package ai.noether.core.schedule;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.LrScheduleFactory;
import ai.noether.api.train.TrainingStep;
import java.util.Map;

/**
 * Builds {@code reduce-on-plateau} schedules; see {@link ReduceOnPlateauScheduleConfig} for the
 * YAML.
 */
public final class ReduceOnPlateauScheduleFactory
    implements LrScheduleFactory<ReduceOnPlateauScheduleConfig> {
  /** The registered kind. */
  public static final String KIND = "reduce-on-plateau";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<ReduceOnPlateauScheduleConfig> configType() {
    return ReduceOnPlateauScheduleConfig.class;
  }

  @Override
  public String description() {
    return "reduces the learning rate when a validation metric stops improving";
  }

  /** Without a validation split there are no evaluations to react to: a warning. */
  @Override
  public void check(ReduceOnPlateauScheduleConfig config, RunPlan plan, ConfigProblems problems) {
    plan.checkDirection(config.mode(), config.metricKey(), "mode", "metric_key", problems);
    if (config.hasWarmup()) {
      new Warmup(KIND, config.warmupUpdates(), config.warmupFraction(), config.startFactor())
          .check(plan, plan.totalUpdates(), "the run is " + plan.lengthText(), problems);
    }
    if (!plan.hasValidation()) {
      problems.warning(
          null,
          "the dataset has no validation split, so there are no evaluations of '"
              + config.metricKey()
              + "' and the learning rate is never reduced");
    }
  }

  @Override
  public LrSchedule create(ReduceOnPlateauScheduleConfig config, ComponentContext context) {
    Map<String, Direction> declared =
        context
            .find(TrainingStep.class)
            .map(TrainingStep::metricDirections)
            .orElse(MetricDirections.DEFAULT);
    return new ReduceOnPlateauSchedule(
        config,
        MetricDirections.resolve(
            config.mode(), config.metricKey(), declared, "mode", "metric_key"));
  }
}
