package ai.noether.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.data.Dataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.registry.RunContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReduceOnPlateauScheduleTest {
  private static final String KEY = "loss/valid/total";

  @Test
  void theRateDropsOnceTheMetricHasNotImprovedForMoreThanPatienceEvaluations() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(
            new ReduceOnPlateauScheduleConfig(KEY, "min", 0.5, 2L, 0.0, "abs", 0L, null));
    List<Double> rates = run(s, 1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85);

    assertThat(rates).containsExactly(1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25);
  }

  @Test
  void aWarmUpRaisesTheRateLinearlyAndItsEvaluationsDoNotCountTowardsAPlateau() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(
            new ReduceOnPlateauScheduleConfig(
                KEY, "min", 0.5, 0L, 0.0, "abs", 0L, null, 4L, null, null));
    List<Double> rates = new ArrayList<>();
    // Ten updates with an evaluation after every second one; the metric never improves after the
    // first.
    for (long update = 0; update < 10; update++) {
      rates.add(s.learningRate(1.0, update, 10));
      if (update % 2 == 1) {
        s.onEvaluation(Map.of(KEY, 1.0));
      }
    }
    // Warm-up: 1/4, 2/4, 3/4, 4/4. The evaluation after update 1 (two of four warm-up updates) is
    // ignored; the one after update 3 ends the warm-up and sets the best; those after 5, 7 and 9
    // are
    // plateaus, each halving the rate with patience 0.
    assertThat(rates).containsExactly(0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25);
    assertThat(s.learningRate(1.0, 10, 10)).isEqualTo(0.125);
  }

  @Test
  void aStartFactorWithoutAWarmUpIsNamed() {
    assertThatThrownBy(
            () ->
                new ReduceOnPlateauScheduleConfig(
                    KEY, null, null, null, null, null, null, null, null, null, 0.1))
        .hasMessageContaining("start_factor")
        .hasMessageContaining("warmup_updates");
  }

  @Test
  void cooldownIgnoresBadEvaluationsAfterAReduction() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(
            new ReduceOnPlateauScheduleConfig(KEY, "min", 0.5, 0L, 0.0, "abs", 2L, null));
    List<Double> rates = run(s, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);

    assertThat(rates).containsExactly(1.0, 0.5, 0.5, 0.5, 0.25, 0.25);
  }

  @Test
  void inMaxModeHigherIsBetterAndTheRateStopsAtMinLr() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(
            new ReduceOnPlateauScheduleConfig(
                "accuracy/valid", "max", 0.1, 0L, null, null, null, 0.004));
    List<Double> rates = run(s, "accuracy/valid", 0.5, 0.6, 0.6, 0.6, 0.6);

    assertThat(rates.get(1)).isEqualTo(1.0);
    assertThat(rates.get(2)).isCloseTo(0.1, within(1e-12));
    assertThat(rates.get(3)).isCloseTo(0.01, within(1e-12));
    assertThat(rates.get(4)).isCloseTo(0.004, within(1e-12));
  }

  @Test
  void aRelativeThresholdDemandsAProportionalImprovement() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(
            new ReduceOnPlateauScheduleConfig(KEY, "min", 0.5, 0L, 0.1, "rel", 0L, null));
    // 0.95 is not below 1.0 * (1 - 0.1): no improvement, so the rate halves.
    List<Double> rates = run(s, 1.0, 0.95);

    assertThat(rates).containsExactly(1.0, 0.5);
  }

  @Test
  void aRestoredScheduleReducesAtTheSameEvaluationsAsTheOriginal() {
    ReduceOnPlateauScheduleConfig config =
        new ReduceOnPlateauScheduleConfig(KEY, "min", 0.5, 1L, 0.0, "abs", 1L, null);
    ReduceOnPlateauSchedule original = new ReduceOnPlateauSchedule(config);
    run(original, 1.0, 0.9, 0.95, 0.95);
    ReduceOnPlateauSchedule restored = new ReduceOnPlateauSchedule(config);
    restored.loadState(original.state());

    double[] rest = {0.95, 0.7, 0.8, 0.8, 0.8, 0.8};
    assertThat(run(restored, rest)).isEqualTo(run(original, rest));
    assertThat(restored.state()).isEqualTo(original.state());
  }

  @Test
  void aMissingMetricIsReportedWithTheMetricsThatExist() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(ReduceOnPlateauScheduleConfig.watching("loss/valid/mse"));

    assertThatThrownBy(() -> s.onEvaluation(Map.of(KEY, 1.0, "accuracy/valid", 0.5)))
        .hasMessage(
            "reduce-on-plateau watches metric 'loss/valid/mse', which the evaluation did not produce; "
                + "it produced [accuracy/valid, loss/valid/total]. Set metric_key to one of them.");
  }

  @Test
  void aStateWithoutTheExpectedKeysIsRefused() {
    ReduceOnPlateauSchedule s =
        new ReduceOnPlateauSchedule(ReduceOnPlateauScheduleConfig.watching(KEY));

    assertThatThrownBy(() -> s.loadState(Map.of("best", 1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a number under 'num_bad_evaluations'");
  }

  private static List<Double> run(ReduceOnPlateauSchedule s, double... values) {
    return run(s, KEY, values);
  }

  /** The rate in force after each evaluation. */
  private static List<Double> run(ReduceOnPlateauSchedule s, String key, double... values) {
    List<Double> rates = new ArrayList<>();
    for (double v : values) {
      s.onEvaluation(Map.of(key, v));
      rates.add(s.learningRate(1.0, 0, -1));
    }
    return rates;
  }

  private static ReduceOnPlateauSchedule viaFactory(
      String metricKey, Map<String, Direction> declared) {
    RunContext context = new RunContext().put(TrainingStep.class, new DeclaringStep(declared));
    return (ReduceOnPlateauSchedule)
        new ReduceOnPlateauScheduleFactory()
            .create(
                new ReduceOnPlateauScheduleConfig(metricKey, null, 0.5, 0L, 0.0, "abs", 0L, null),
                context);
  }

  @Test
  void withoutModeTheDirectionIsTheOneTheStepDeclares() {
    // Accuracy rising: an improvement every time for max, none for min.
    ReduceOnPlateauSchedule max =
        viaFactory("accuracy/valid", Map.of("accuracy", Direction.HIGHER_IS_BETTER));
    assertThat(run(max, "accuracy/valid", 0.5, 0.6, 0.7)).containsExactly(1.0, 1.0, 1.0);
    ReduceOnPlateauSchedule min =
        viaFactory("nasa_score/valid", Map.of("nasa_score", Direction.LOWER_IS_BETTER));
    assertThat(run(min, "nasa_score/valid", 0.5, 0.6, 0.7)).containsExactly(1.0, 0.5, 0.25);
  }

  @Test
  void aMetricTheStepDoesNotDeclareNeedsAMode() {
    assertThatThrownBy(
            () -> viaFactory("nasa_score/valid", Map.of("loss", Direction.LOWER_IS_BETTER)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "metric_key 'nasa_score/valid': it is not known whether lower or higher is better")
        .hasMessageContaining("Set mode: min");
  }

  /** A step that only declares metric directions. */
  private record DeclaringStep(Map<String, Direction> declared) implements TrainingStep {
    @Override
    public double train(long[] sampleIndices, long seed) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, String split) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, Direction> metricDirections() {
      return declared;
    }
  }
}
