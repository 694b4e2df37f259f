package ai.noether.api.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.callback.Interval;
import org.junit.jupiter.api.Test;

/** A run's length in every unit, as the trainer counts it, and which intervals it reaches. */
class RunPlanTest {
  /** 100 samples in batches of 8: 13 updates per epoch, the last of 4 samples. */
  static RunPlan run(long epochs, long updates, long samples) {
    return new RunPlan(epochs, updates, samples, 8, 100, true, null, null, null, null);
  }

  @Test
  void anEpochLimitIsConvertedToUpdatesAndSamples() {
    RunPlan plan = run(3, 0, 0);

    assertThat(plan.updatesPerEpoch()).isEqualTo(13);
    assertThat(plan.totalUpdates()).isEqualTo(39);
    assertThat(plan.totalEpochs()).isEqualTo(3);
    assertThat(plan.totalSamples()).isEqualTo(300);
  }

  @Test
  void aSampleLimitEndsAtTheFirstUpdateThatReachesIt() {
    RunPlan plan = run(0, 0, 250);

    assertThat(plan.totalUpdates()).as("2 epochs, then 50 samples in 7 batches").isEqualTo(33);
    assertThat(plan.totalEpochs()).isEqualTo(2);
    assertThat(plan.totalSamples()).isEqualTo(256);
    assertThat(plan.lengthText())
        .isEqualTo(
            "trainer.max_samples: 250 (33 updates: 13 per epoch, 100 training samples"
                + " in batches of trainer.batch_size: 8)");
  }

  @Test
  void withAccumulationAnUpdateIsThatManyBatchesAndAnEpochsLastUpdateTheRest() {
    RunPlan plan = run(0, 0, 250).withAccumulateGradBatches(3);

    assertThat(plan.batchesPerEpoch()).isEqualTo(13);
    assertThat(plan.updatesPerEpoch()).as("3 + 3 + 3 + 3 + 1 batches").isEqualTo(5);
    assertThat(plan.totalUpdates())
        .as("2 epochs, then 50 samples in 7 batches, in 3 updates")
        .isEqualTo(13);
    assertThat(plan.totalSamples())
        .as("the third update of the last epoch ends after 9 batches")
        .isEqualTo(272);
    assertThat(plan.lengthText())
        .isEqualTo(
            "trainer.max_samples: 250 (13 updates: 5 per epoch, 100 training samples"
                + " in batches of trainer.batch_size: 8, trainer.accumulate_grad_batches: 3 per update)");
  }

  @Test
  void aMetricDirectionIsCheckedOnceTheStepsDeclarationsAreKnown() {
    ConfigProblems unknownYet = new ConfigProblems();
    run(1, 0, 0).checkDirection(null, "nasa_score/valid/rul", "mode", "metric_key", unknownYet);
    assertThat(unknownYet.errors()).isEmpty();

    RunPlan known =
        run(1, 0, 0)
            .withMetricDirections(
                java.util.Map.of("loss", ai.noether.api.metric.Direction.LOWER_IS_BETTER));
    ConfigProblems problems = new ConfigProblems();
    known.checkDirection(null, "nasa_score/valid/rul", "mode", "metric_key", problems);
    known.checkDirection("min", "nasa_score/valid/rul", "mode", "metric_key", problems);
    known.checkDirection(null, "loss/valid/total", "mode", "metric_key", problems);
    assertThat(problems.errors()).hasSize(1);
    assertThat(problems.errors().get(0).path()).isEqualTo("metric_key");
    assertThat(problems.errors().get(0).message())
        .startsWith(
            "'nasa_score/valid/rul': it is not known whether lower or"
                + " higher is better for 'nasa_score': the training step declares directions for {loss: min} only.");
  }

  @Test
  void anUpdateLimitIsItsOwnLength() {
    RunPlan plan = run(0, 20, 0);

    assertThat(plan.totalUpdates()).isEqualTo(20);
    assertThat(plan.totalEpochs()).isEqualTo(1);
    assertThat(plan.totalSamples()).isEqualTo(100 + 7 * 8);
    assertThat(plan.lengthText()).isEqualTo("trainer.max_updates: 20");
  }

  @Test
  void anIntervalIsReachedWhenItsCounterGetsThereBeforeTheEnd() {
    RunPlan plan = run(3, 0, 0);

    assertThat(plan.reaches(Interval.epochs(3))).isTrue();
    assertThat(plan.reaches(Interval.epochs(4))).isFalse();
    assertThat(plan.reaches(Interval.updates(39))).isTrue();
    assertThat(plan.reaches(Interval.updates(40))).isFalse();
    assertThat(plan.reaches(Interval.samples(300))).isTrue();
    assertThat(plan.reaches(Interval.samples(301))).isFalse();
    assertThat(plan.reaches(Interval.minutes(100_000)))
        .as("no configuration predicts time")
        .isTrue();
  }

  @Test
  void aPlanNeedsExactlyOneLimit() {
    assertThatThrownBy(() -> run(1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one positive limit");
  }
}
