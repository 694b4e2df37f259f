package ai.noether.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.ConfigException;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.Registration;
import ai.noether.core.registry.RunContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The standard metrics against values computed by hand and with numpy ({@code
 * np.sqrt(np.mean((p-t)**2))} and so on; the script is in the comments), split into batches as an
 * evaluation feeds them, and created through the registry by kind.
 */
class StandardMetricsTest {
  private static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  // p = [10, 20, 35, 50], t = [12, 20, 30, 45], so d = p - t = [-2, 0, 5, 5].
  private static final float[] P = {10, 20, 35, 50};
  private static final double[] T = {12, 20, 30, 45};

  private static Metric metric(String kind, Map<String, Object> settings) {
    return REGISTRY.create(
        ComponentCategory.METRIC,
        ComponentBlock.of("trainer.metrics[0]", kind, settings),
        new RunContext());
  }

  private static double twoBatches(
      Metric metric, HostTensor p1, HostTensor t1, HostTensor p2, HostTensor t2) {
    Metric.Accumulator a = metric.newAccumulator();
    a.add(p1, t1);
    a.add(p2, t2);
    return a.value();
  }

  private static double regression(String kind) {
    // Predictions [n, 1] float32 as a regression head gives them, targets [n] float64.
    return twoBatches(
        metric(kind, Map.of()),
        HostTensor.ofFloats(new long[] {2, 1}, P[0], P[1]),
        HostTensor.ofDoubles(new long[] {2}, T[0], T[1]),
        HostTensor.ofFloats(new long[] {2, 1}, P[2], P[3]),
        HostTensor.ofDoubles(new long[] {2}, T[2], T[3]));
  }

  @Test
  void rmseIsTheRootOfTheMeanSquaredErrorOverAllBatches() {
    // sqrt((4 + 0 + 25 + 25) / 4) = sqrt(13.5)
    assertThat(regression("rmse")).isCloseTo(Math.sqrt(13.5), within(1e-12));
    assertThat(regression("rmse")).isCloseTo(3.6742346141747673, within(1e-12));
  }

  @Test
  void maeIsTheMeanAbsoluteErrorOverAllBatches() {
    assertThat(regression("mae")).isCloseTo(3.0, within(1e-12));
  }

  @Test
  void nasaScoreSumsExpOfEarlyOver13AndLateOver10() {
    // early by 2: e^(2/13) - 1; exact: 0; late by 5 twice: 2 (e^(5/10) - 1). numpy:
    // 1.4637539818461864
    double expected = Math.exp(2.0 / 13) - 1 + 2 * (Math.exp(0.5) - 1);
    assertThat(regression("nasa_score")).isCloseTo(expected, within(1e-12));
    assertThat(regression("nasa_score")).isCloseTo(1.4637539818461864, within(1e-12));
  }

  @Test
  void nasaScorePunishesLatePredictionsMoreThanEarlyOnes() {
    assertThat(NasaScoreMetric.score(10)).isGreaterThan(NasaScoreMetric.score(-10));
    assertThat(NasaScoreMetric.score(0)).isZero();
  }

  @Test
  void everyStandardMetricDeclaresItsDirection() {
    assertThat(metric("rmse", Map.of()).direction()).isEqualTo(Direction.LOWER_IS_BETTER);
    assertThat(metric("mae", Map.of()).direction()).isEqualTo(Direction.LOWER_IS_BETTER);
    assertThat(metric("nasa_score", Map.of()).direction()).isEqualTo(Direction.LOWER_IS_BETTER);
    assertThat(metric("accuracy", Map.of()).direction()).isEqualTo(Direction.HIGHER_IS_BETTER);
    assertThat(metric("f1", Map.of()).direction()).isEqualTo(Direction.HIGHER_IS_BETTER);
    assertThat(REGISTRY.registrations(ComponentCategory.METRIC))
        .extracting(Registration::kind)
        .contains("accuracy", "f1", "mae", "nasa_score", "rmse");
  }

  @Test
  void eachMetricIsNamedAsItsKind() {
    for (String kind : new String[] {"rmse", "mae", "nasa_score", "accuracy", "f1"}) {
      assertThat(metric(kind, Map.of()).name()).isEqualTo(kind);
    }
  }

  // Three classes: logits argmax [0, 1, 2 | 0, 2, 1], targets [0, 1, 1 | 0, 2, 2].
  private static final HostTensor LOGITS_1 =
      HostTensor.ofFloats(new long[] {3, 3}, 2, 1, 0, 0, 3, 1, 1, 0, 4);
  private static final HostTensor LOGITS_2 =
      HostTensor.ofFloats(new long[] {3, 3}, 5, 0, 1, 0, 0, 1, 1, 2, 0);
  private static final HostTensor CLASSES_1 = HostTensor.ofLongs(new long[] {3}, 0, 1, 1);
  private static final HostTensor CLASSES_2 = HostTensor.ofLongs(new long[] {3, 1}, 0, 2, 2);

  @Test
  void accuracyComparesTheArgmaxWithClassIndices() {
    assertThat(twoBatches(metric("accuracy", Map.of()), LOGITS_1, CLASSES_1, LOGITS_2, CLASSES_2))
        .isCloseTo(4.0 / 6, within(1e-12));
  }

  @Test
  void macroF1AveragesThePerClassScores() {
    // class 0: tp 2 -> 1.0; class 1: tp 1, fp 1, fn 1 -> 0.5; class 2: tp 1, fp 1, fn 1 -> 0.5
    assertThat(
            twoBatches(
                metric("f1", Map.of("average", "macro")), LOGITS_1, CLASSES_1, LOGITS_2, CLASSES_2))
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  // Binary logits [1.5, -0.2, 0.3, -2.0, 0.0] -> predicted [1, 0, 1, 0, 0]; targets [1, 0, 0, 0,
  // 1].
  private static final HostTensor BINARY =
      HostTensor.ofFloats(new long[] {5, 1}, 1.5f, -0.2f, 0.3f, -2.0f, 0.0f);
  private static final HostTensor BINARY_TARGETS =
      HostTensor.ofFloats(new long[] {5, 1}, 1, 0, 0, 0, 1);

  private static double once(Metric metric, HostTensor p, HostTensor t) {
    Metric.Accumulator a = metric.newAccumulator();
    a.add(p, t);
    return a.value();
  }

  @Test
  void binaryMetricsThresholdLogitsAtZero() {
    assertThat(once(metric("accuracy", Map.of()), BINARY, BINARY_TARGETS))
        .isCloseTo(0.6, within(1e-12));
    // tp 1, fp 1, fn 1 -> 2 / 4
    assertThat(once(metric("f1", Map.of()), BINARY, BINARY_TARGETS)).isCloseTo(0.5, within(1e-12));
    // class 0: tp 2, fp 1, fn 1 -> 4/6; class 1: 0.5
    assertThat(once(metric("f1", Map.of("average", "macro")), BINARY, BINARY_TARGETS))
        .isCloseTo((4.0 / 6 + 0.5) / 2, within(1e-12));
  }

  @Test
  void probabilitiesUseTheConfiguredThreshold() {
    HostTensor probabilities = HostTensor.ofDoubles(new long[] {4}, 0.9, 0.4, 0.6, 0.1);
    HostTensor targets = HostTensor.ofLongs(new long[] {4}, 1, 0, 0, 0);
    assertThat(once(metric("accuracy", Map.of("threshold", 0.5)), probabilities, targets))
        .isCloseTo(0.75, within(1e-12));
    // With the logits' default of 0, every probability is class 1.
    assertThat(once(metric("accuracy", Map.of()), probabilities, targets))
        .isCloseTo(0.25, within(1e-12));
  }

  @Test
  void binaryF1OfTwoClassLogitsScoresClassOne() {
    HostTensor twoClass = HostTensor.ofFloats(new long[] {3, 2}, 0, 1, 1, 0, 0, 2);
    HostTensor targets = HostTensor.ofLongs(new long[] {3}, 1, 1, 0);
    // predicted [1, 0, 1]: tp 1, fp 1, fn 1
    assertThat(once(metric("f1", Map.of()), twoClass, targets)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void nothingAddedIsNaN() {
    assertThat(metric("rmse", Map.of()).newAccumulator().value()).isNaN();
    assertThat(metric("f1", Map.of()).newAccumulator().value()).isNaN();
  }

  @Test
  void shapesThatDoNotPairUpAreNamed() {
    Metric.Accumulator rmse = metric("rmse", Map.of()).newAccumulator();
    assertThatThrownBy(
            () ->
                rmse.add(
                    HostTensor.ofFloats(new long[] {2, 2}, 1, 2, 3, 4),
                    HostTensor.ofFloats(new long[] {2}, 1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rmse: predictions [2, 2] and targets [2] do not pair up");
  }

  @Test
  void aTargetThatIsNoClassIndexIsNamed() {
    Metric.Accumulator accuracy = metric("accuracy", Map.of()).newAccumulator();
    assertThatThrownBy(() -> accuracy.add(LOGITS_1, HostTensor.ofLongs(new long[] {3}, 0, 3, 1)))
        .hasMessageContaining(
            "accuracy: target 3.0 of sample 1 of the batch is not a class index in [0, 3)");
    Metric.Accumulator binary = metric("f1", Map.of()).newAccumulator();
    assertThatThrownBy(
            () -> binary.add(BINARY, HostTensor.ofFloats(new long[] {5}, 1, 0, 0.5f, 0, 1)))
        .hasMessageContaining("the targets must be 0 or 1");
  }

  @Test
  void binaryF1OfManyClassesAsksForMacro() {
    Metric.Accumulator f1 = metric("f1", Map.of()).newAccumulator();
    assertThatThrownBy(() -> f1.add(LOGITS_1, CLASSES_1))
        .hasMessageContaining("set average: macro");
  }

  @Test
  void badSettingsAreConfigErrorsNamingTheKey() {
    assertThatThrownBy(() -> metric("f1", Map.of("average", "micro")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("average must be binary or macro, was 'micro'");
    assertThatThrownBy(() -> metric("rmse", Map.of("threshold", 1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("threshold");
  }
}
