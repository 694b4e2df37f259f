package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.StepResult;
import ai.noether.core.metric.RmseMetric;
import ai.noether.djl.model.DjlModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The supervised step on named fields with two heads: per-target losses and weights, heads matched
 * by name or position, per-head losses reported, metrics accumulated batch by batch.
 */
class MultiHeadStepTest {
  private static final int INPUTS = 5;
  private static final int CLASSES = 3;
  private final FieldDataset train = TwoHeadNet.data(64, INPUTS, CLASSES, 1);
  private final FieldDataset valid = TwoHeadNet.data(37, INPUTS, CLASSES, 2);
  private final DataSource data = TestData.source(train, valid);
  private final long[] batch = {3, 1, 4, 15, 9, 2, 6, 5};

  private static SupervisedStepConfig twoHeads(double rulWeight, double healthWeight) {
    Map<String, TargetConfig> targets = new LinkedHashMap<>();
    targets.put("rul", TargetConfig.of("mse", rulWeight));
    targets.put("health", TargetConfig.of("softmax-cross-entropy", healthWeight));
    return SupervisedStepConfig.of("mse").withFields(List.of("x"), targets).withPrefetch(0);
  }

  @Test
  void eachHeadsLossIsReportedBesideTheWeightedTotal() {
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0, 7, true);
        SupervisedStep step = new SupervisedStep(model, data, twoHeads(0.25, 0.75))) {
      StepResult result = step.trainStep(batch, 1);

      assertThat(result.metrics()).containsOnlyKeys("loss/train/rul", "loss/train/health");
      double rul = result.metrics().get("loss/train/rul");
      double health = result.metrics().get("loss/train/health");
      assertThat(rul).isPositive();
      assertThat(health).isPositive();
      assertThat(result.loss()).isCloseTo(0.25 * rul + 0.75 * health, within(1e-5));
    }
  }

  @Test
  void headsAreMatchedByNameWhateverTheirOrderAndByPositionWhenUnnamed() {
    double byName;
    double byPosition;
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0, 7, true);
        SupervisedStep step = new SupervisedStep(model, data, twoHeads(0.5, 0.5))) {
      byName = step.evaluate(valid, "valid").get("loss/valid/rul");
    }
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0, 7, false);
        SupervisedStep step = new SupervisedStep(model, data, twoHeads(0.5, 0.5))) {
      byPosition = step.evaluate(valid, "valid").get("loss/valid/rul");
    }
    assertThat(byName).isEqualTo(byPosition);
  }

  @Test
  void aTargetWhoseHeadTheModelDoesNotNameIsAnErrorListingTheHeads() {
    Map<String, TargetConfig> targets = new LinkedHashMap<>();
    targets.put("rul", new TargetConfig("mse", null, "remaining", null));
    targets.put("health", TargetConfig.of("softmax-cross-entropy", 1));
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0, 7, true);
        SupervisedStep step =
            new SupervisedStep(
                model,
                data,
                SupervisedStepConfig.of("mse").withFields(List.of("x"), targets).withPrefetch(0))) {
      assertThatThrownBy(() -> step.trainStep(batch, 1))
          .hasMessageContaining(
              "returns heads named [health, rul], none named 'remaining' for target 'rul'");
    }
  }

  @Test
  void aFieldTheDatasetLacksIsNamedWithTheFieldsThereAre() {
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0, 7, true)) {
      assertThatThrownBy(
              () ->
                  new SupervisedStep(
                      model,
                      data,
                      SupervisedStepConfig.of("mse")
                          .withFields(List.of("window"), Map.of("rul", TargetConfig.of("mse", 1)))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "no field 'window' (a training step input); its fields are x, rul, health");
    }
  }

  @Test
  void evaluationReportsEachTargetsLossAndItsMetricsFromOnePass() {
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0, 7, true);
        SupervisedStep step =
            new SupervisedStep(
                model,
                data,
                twoHeads(0.5, 0.5).withEvalBatchSize(10),
                Map.of("rul", List.of(new RmseMetric())))) {
      Map<String, Double> metrics = step.evaluate(valid, "valid");

      assertThat(metrics)
          .containsOnlyKeys(
              "loss/valid/total", "loss/valid/rul", "loss/valid/health", "rmse/valid/rul");
      assertThat(metrics.get("loss/valid/total"))
          .isCloseTo(
              0.5 * metrics.get("loss/valid/rul") + 0.5 * metrics.get("loss/valid/health"),
              within(1e-5));
      // RMSE accumulated over four batches (10, 10, 10, 7) is the root of the split's mean squared
      // error.
      assertThat(metrics.get("rmse/valid/rul"))
          .isCloseTo(Math.sqrt(metrics.get("loss/valid/rul")), within(1e-5));
      assertThat(step.metricDirections())
          .containsEntry("rmse", Direction.LOWER_IS_BETTER)
          .containsEntry("loss", Direction.LOWER_IS_BETTER);
    }
  }

  @Test
  void oneTargetWithWeightOneTrainsExactlyAsTheSingleLossDid() {
    // The same data as a TensorDataset (features, targets) and as named fields (x, rul).
    FieldDataset fields = TwoHeadNet.data(64, INPUTS, CLASSES, 1);
    ai.noether.api.data.TensorDataset tensors =
        new ai.noether.api.data.TensorDataset(
            fields.gather("x", range(64)), reshape(fields.gather("rul", range(64))));
    StepResult legacy;
    StepResult named;
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0.3f, 7, false);
        SupervisedStep step =
            new SupervisedStep(
                model, TestData.source(tensors, null), SupervisedStepConfig.of("mse"))) {
      legacy = step.trainStep(batch, 11);
    }
    try (DjlModel model = TwoHeadNet.build(INPUTS, CLASSES, 0.3f, 7, false);
        SupervisedStep step =
            new SupervisedStep(
                model,
                TestData.source(fields, null),
                SupervisedStepConfig.of("mse")
                    .withFields(List.of("x"), Map.of("rul", TargetConfig.of(null, 1))))) {
      named = step.trainStep(batch, 11);
    }
    assertThat(named.loss()).isEqualTo(legacy.loss());
    assertThat(named.metrics()).isEmpty();
  }

  private static long[] range(int n) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static HostTensor reshape(HostTensor t) {
    return HostTensor.wrap(t.dtype(), new long[] {t.shape()[0], 1}, t.chunks());
  }
}
