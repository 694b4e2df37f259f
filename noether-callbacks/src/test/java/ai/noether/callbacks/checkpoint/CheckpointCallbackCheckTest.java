package ai.noether.callbacks.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Interval;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint callback's check before training: an interval the run never reaches is a warning.
 */
class CheckpointCallbackCheckTest {
  /** 4 epochs of 13 updates. */
  static final RunPlan RUN = new RunPlan(4, 0, 0, 16, 200, true, null, null, null, null);

  @Test
  void anIntervalLongerThanTheRunIsAWarningThatOnlyTheFinalCheckpointIsWritten() {
    ConfigProblems problems = new ConfigProblems();

    new CheckpointCallbackFactory()
        .check(
            CheckpointCallbackConfig.every(Interval.epochs(5)),
            RUN,
            problems.at("trainer.callbacks[0]"));

    assertThat(problems.errors()).isEmpty();
    assertThat(problems.warnings())
        .extracting(Object::toString)
        .containsExactly(
            "trainer.callbacks[0].every_n_epochs:"
                + " 5 is longer than the run (trainer.max_epochs: 4 (52 updates: 13 per epoch, 200 training samples in batches"
                + " of trainer.batch_size: 16)): no periodic checkpoint is written, only the final one. Use a shorter interval"
                + " to be able to resume from the middle of the run.");
  }

  @Test
  void intervalsTheRunReachesAreFine() {
    ConfigProblems problems = new ConfigProblems();
    CheckpointCallbackFactory factory = new CheckpointCallbackFactory();

    factory.check(CheckpointCallbackConfig.every(Interval.epochs(4)), RUN, problems);
    factory.check(CheckpointCallbackConfig.every(Interval.updates(52)), RUN, problems);
    factory.check(CheckpointCallbackConfig.every(Interval.minutes(600)), RUN, problems);

    assertThat(problems.warnings()).isEmpty();
  }
}
