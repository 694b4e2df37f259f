package ai.noether.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import org.junit.jupiter.api.Test;

/**
 * The schedules' checks against the run before training: a warm-up that does not fit is an error
 * with the run's length converted from the configured unit; legal but doubtful lengths are
 * warnings.
 */
class ScheduleChecksTest {
  /** 100 samples in batches of 8: 13 updates per epoch (the last of 4 samples). */
  static RunPlan run(long epochs, long updates, long samples) {
    return new RunPlan(epochs, updates, samples, 8, 100, true, null, null, null, null);
  }

  static ConfigProblems problems() {
    return new ConfigProblems().at("optimizer.schedule");
  }

  @Test
  void theRunLengthIsConvertedFromSamplesAndEpochsToUpdates() {
    assertThat(run(3, 0, 0).totalUpdates()).isEqualTo(39);
    assertThat(run(0, 0, 250).totalUpdates())
        .as("2 epochs, then 50 samples in 7 batches")
        .isEqualTo(33);
    assertThat(run(0, 0, 250).lengthText())
        .isEqualTo(
            "trainer.max_samples: 250 (33 updates: 13 per epoch, 100"
                + " training samples in batches of trainer.batch_size: 8)");
  }

  @Test
  void aLinearWarmupLongerThanARunGivenInSamplesIsAnError() {
    ConfigProblems p = problems();

    new LinearWarmupScheduleFactory()
        .check(new LinearWarmupScheduleConfig(34L, null, null), run(0, 0, 250), p);

    assertThat(p.errors())
        .extracting(Object::toString)
        .containsExactly(
            "optimizer.schedule.warmup_updates: 34 updates"
                + " of warm-up do not fit the run: the run is trainer.max_samples: 250 (33 updates: 13 per epoch, 100 training"
                + " samples in batches of trainer.batch_size: 8). Set warmup_updates to at most 33, use warmup_fraction (e.g."
                + " 0.05 of the run), or train longer.");
  }

  @Test
  void aLinearWarmupAsLongAsTheRunAndAnyFractionFit() {
    ConfigProblems p = problems();

    new LinearWarmupScheduleFactory()
        .check(new LinearWarmupScheduleConfig(39L, null, null), run(3, 0, 0), p);
    new LinearWarmupScheduleFactory()
        .check(new LinearWarmupScheduleConfig(null, 0.99, null), run(3, 0, 0), p);
    new WarmupCosineScheduleFactory()
        .check(new WarmupCosineScheduleConfig(null, 0.99, null, null, null, null), run(3, 0, 0), p);

    assertThat(p.errors()).isEmpty();
  }

  @Test
  void aWarmupCosineNeedsOneUpdateForItsDecayUnlessItsLengthIsGiven() {
    ConfigProblems p = problems();
    WarmupCosineScheduleFactory factory = new WarmupCosineScheduleFactory();

    factory.check(
        new WarmupCosineScheduleConfig(38L, null, null, null, null, null), run(3, 0, 0), p);
    assertThat(p.errors()).isEmpty();
    factory.check(
        new WarmupCosineScheduleConfig(39L, null, null, null, null, null), run(3, 0, 0), p);
    assertThat(p.errors())
        .extracting(Object::toString)
        .singleElement()
        .asString()
        .startsWith("optimizer.schedule.warmup_updates: 39 updates of warm-up do not fit the run")
        .contains("Set warmup_updates to at most 38");

    ConfigProblems withLength = problems();
    factory.check(
        new WarmupCosineScheduleConfig(39L, null, null, null, null, 100L),
        run(3, 0, 0),
        withLength);
    assertThat(withLength.errors()).isEmpty();
    assertThat(withLength.warnings())
        .extracting(Object::toString)
        .containsExactly(
            "optimizer.schedule.total_updates:"
                + " 100 is longer than the run (trainer.max_epochs: 3 (39 updates: 13 per epoch, 100 training samples in"
                + " batches of trainer.batch_size: 8)): the decay is cut short after 39 updates and never reaches its end rate."
                + " Leave total_updates out to decay over the whole run.");
  }

  @Test
  void aStepBeyondTheRunAndAPlateauWithoutValidationAreWarnings() {
    ConfigProblems p = problems();

    new StepScheduleFactory().check(new StepScheduleConfig(20L, null), run(0, 20, 0), p);
    new StepScheduleFactory().check(new StepScheduleConfig(19L, null), run(0, 20, 0), p);
    new ReduceOnPlateauScheduleFactory()
        .check(
            ReduceOnPlateauScheduleConfig.watching("loss/valid/total"),
            new RunPlan(0, 20, 0, 8, 100, false, null, null, null, null),
            p);

    assertThat(p.errors()).isEmpty();
    assertThat(p.warnings())
        .extracting(ConfigProblems.Problem::path)
        .containsExactly("optimizer.schedule.step_size", "optimizer.schedule");
  }
}
