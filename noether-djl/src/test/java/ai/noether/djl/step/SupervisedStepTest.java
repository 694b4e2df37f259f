package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.NoetherException;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.train.StepResult;
import ai.noether.core.training.Seeds;
import ai.noether.djl.ChildJvm;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import ai.noether.djl.tensor.HostTransfer;
import ai.noether.testkit.TestComponentContext;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class SupervisedStepTest {

  @Test
  void twoFreshModelsSteppedWithTheSameSeedsEndBitIdenticalWithDropoutOn() {
    TensorDataset data = TestData.regression(64, 5, 2, 3);
    long initSeed = Seeds.forInitialization(DropoutRunMain.RUN_SEED, 0);
    try (DjlModel a = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        DjlModel b = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        DjlModel other =
            MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        SupervisedStep stepA =
            new SupervisedStep(a, TestData.source(data, null), SupervisedStepConfig.of("mse"));
        SupervisedStep stepB =
            new SupervisedStep(b, TestData.source(data, null), SupervisedStepConfig.of("mse"));
        SupervisedStep stepOther =
            new SupervisedStep(
                other, TestData.source(data, null), SupervisedStepConfig.of("mse"))) {
      Optimizer optA = AdamOptimizer.adamW(a, AdamConfig.of(1e-2));
      Optimizer optB = AdamOptimizer.adamW(b, AdamConfig.of(1e-2));
      Optimizer optOther = AdamOptimizer.adamW(other, AdamConfig.of(1e-2));
      // Interleaved, so that nothing but the per-update seed can make the masks agree.
      for (int u = 0; u < 20; u++) {
        long[] batch = DropoutRunMain.batch(u);
        double lossA = stepA.train(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED, u));
        optA.step(1e-2);
        stepOther.train(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED + 1, u));
        optOther.step(1e-2);
        double lossB = stepB.train(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED, u));
        optB.step(1e-2);
        assertThat(lossB).isEqualTo(lossA);
      }

      assertThat(StateDigest.of(b.stateDict())).isEqualTo(StateDigest.of(a.stateDict()));
      assertThat(StateDigest.of(other.stateDict()))
          .as("other seeds draw other masks")
          .isNotEqualTo(StateDigest.of(a.stateDict()));
    }
  }

  @Test
  void theSameUpdatesWithDropoutGiveBitIdenticalWeightsInAnotherProcess() throws Exception {
    String child = ChildJvm.run(DropoutRunMain.class, "12");

    assertThat(child.strip()).isEqualTo("digest=" + DropoutRunMain.run(12));
  }

  @Test
  void logGradNormReportsTheL2NormOfAllGradientsAndTrainsTheSameWeights() {
    TensorDataset data = TestData.regression(64, 5, 2, 3);
    long initSeed = Seeds.forInitialization(DropoutRunMain.RUN_SEED, 0);
    SupervisedStepConfig withNorm = new SupervisedStepConfig("mse", null, null, null, true);
    try (DjlModel a = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        DjlModel b = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        SupervisedStep plain =
            new SupervisedStep(a, TestData.source(data, null), SupervisedStepConfig.of("mse"));
        SupervisedStep logging = new SupervisedStep(b, TestData.source(data, null), withNorm)) {
      Optimizer optA = AdamOptimizer.adamW(a, AdamConfig.of(1e-2));
      Optimizer optB = AdamOptimizer.adamW(b, AdamConfig.of(1e-2));
      for (int u = 0; u < 5; u++) {
        long[] batch = DropoutRunMain.batch(u);
        StepResult without = plain.trainStep(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED, u));
        StepResult with = logging.trainStep(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED, u));

        double sumOfSquares = 0;
        for (ai.djl.nn.Parameter p : b.djlParameters().values()) {
          try (NDArray g = Gradients.gradientOrNull(p.getArray())) {
            for (float v : g.toFloatArray()) {
              sumOfSquares += (double) v * v;
            }
          }
        }
        assertThat(without.metrics()).isEmpty();
        assertThat(with.metrics()).containsOnlyKeys(SupervisedStep.GRAD_NORM_METRIC);
        assertThat(with.metrics().get(SupervisedStep.GRAD_NORM_METRIC))
            .isPositive()
            .isCloseTo(Math.sqrt(sumOfSquares), within(1e-5 * Math.sqrt(sumOfSquares)));
        assertThat(with.loss()).isEqualTo(without.loss());
        optA.step(1e-2);
        optB.step(1e-2);
      }
      assertThat(StateDigest.of(b.stateDict()))
          .as("measuring the norm changes no weight")
          .isEqualTo(StateDigest.of(a.stateDict()));
    }
  }

  @Test
  void trainingLowersTheValidationLoss() {
    TensorDataset train = TestData.regression(256, 4, 2, 1);
    TensorDataset valid = TestData.regression(64, 4, 2, 2);
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(4, List.of(16), 2), Device.cpu(), 5);
        SupervisedStep step =
            new SupervisedStep(
                model, TestData.source(train, valid), SupervisedStepConfig.of("mse"))) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-2));
      double before = step.evaluate(valid, "valid").get("loss/valid/total");
      for (int u = 0; u < 300; u++) {
        long[] batch = new long[32];
        for (int i = 0; i < 32; i++) {
          batch[i] = (u * 32L + i) % 256;
        }
        step.train(batch, u);
        optimizer.step(1e-2);
      }
      double after = step.evaluate(valid, "valid").get("loss/valid/total");

      assertThat(after).isLessThan(before / 20);
    }
  }

  @Test
  void evaluationRunsWithoutDropoutAndReportsTheMeanLossOverAllSamples() {
    TensorDataset valid = TestData.regression(50, 5, 2, 9);
    try (DjlModel model = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), 1);
        SupervisedStep step =
            new SupervisedStep(
                model,
                TestData.source(valid, valid),
                new SupervisedStepConfig("mse", null, 16, null))) {
      Map<String, Double> first = step.evaluate(valid, "valid");
      Map<String, Double> second = step.evaluate(valid, "valid");

      NDArray x = HostTransfer.toNDArray(valid.features(), model.manager());
      NDArray y = HostTransfer.toNDArray(valid.targets(), model.manager());
      double inference =
          Losses.mse(model.forward(new NDList(x), false).singletonOrThrow(), y).getFloat();
      assertThat(first).containsOnlyKeys("loss/valid/total");
      assertThat(first).isEqualTo(second);
      assertThat(first.get("loss/valid/total")).isCloseTo(inference, within(1e-6));
    }
  }

  @Test
  void eachBuiltInLossHasPyTorchsValue() {
    // An identity model: predictions are the features, so the losses can be computed by hand.
    float[] p = {0.5f, -2f, 3f, 0.1f, -0.4f, 1.5f};
    float[] t = {1f, 0f, 0.5f, 0f, 1f, 1f};
    TensorDataset data =
        new TensorDataset(
            HostTensor.ofFloats(new long[] {3, 2}, p), HostTensor.ofFloats(new long[] {3, 2}, t));
    double mse = 0;
    double l1 = 0;
    double huber = 0;
    double bce = 0;
    for (int i = 0; i < p.length; i++) {
      double d = p[i] - t[i];
      mse += d * d / p.length;
      l1 += Math.abs(d) / p.length;
      huber += (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5) / p.length;
      double sigmoid = 1 / (1 + Math.exp(-p[i]));
      bce += -(t[i] * Math.log(sigmoid) + (1 - t[i]) * Math.log(1 - sigmoid)) / p.length;
    }
    assertThat(identityLoss("mse", data)).isCloseTo(mse, within(1e-6));
    assertThat(identityLoss("l1", data)).isCloseTo(l1, within(1e-6));
    assertThat(identityLoss("huber", data)).isCloseTo(huber, within(1e-6));
    assertThat(identityLoss("sigmoid-bce", data)).isCloseTo(bce, within(1e-6));
  }

  @Test
  void crossEntropyAndAccuracyOfClassIndices() {
    float[] logits = {2f, 1f, 0f, 3f, 1f, 1.5f, -1f, 0f};
    long[] classes = {0, 1, 1, 0};
    TensorDataset data =
        new TensorDataset(
            HostTensor.ofFloats(new long[] {4, 2}, logits),
            HostTensor.ofLongs(new long[] {4}, classes));
    double expected = 0;
    for (int s = 0; s < 4; s++) {
      double a = logits[2 * s];
      double b = logits[2 * s + 1];
      double logSum = Math.log(Math.exp(a) + Math.exp(b));
      expected += (logSum - (classes[s] == 0 ? a : b)) / 4;
    }
    Map<String, Double> metrics = identityMetrics("softmax-cross-entropy", data);

    assertThat(metrics.get("loss/valid/total")).isCloseTo(expected, within(1e-6));
    // argmax per sample: 0, 1, 1, 1 against 0, 1, 1, 0.
    assertThat(metrics.get("accuracy/valid")).isEqualTo(0.75);
  }

  @Test
  void binaryAccuracyCountsOutputsOnTheRightSideOfZero() {
    TensorDataset data =
        new TensorDataset(
            HostTensor.ofFloats(new long[] {2, 2}, 1f, -1f, 2f, 3f),
            HostTensor.ofFloats(new long[] {2, 2}, 1f, 0f, 0f, 1f));

    assertThat(identityMetrics("sigmoid-bce", data).get("accuracy/valid")).isEqualTo(0.75);
  }

  @Test
  void aSubclassChangesTheLossForTrainingAndEvaluation() {
    TensorDataset data = TestData.regression(32, 3, 1, 4);
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(3, List.of(), 1), Device.cpu(), 2);
        SupervisedStep plain =
            new SupervisedStep(model, TestData.source(data, data), SupervisedStepConfig.of("mse"));
        SupervisedStep doubled =
            new DoubledLossStep(
                model, TestData.source(data, data), SupervisedStepConfig.of("mse"))) {
      double plainLoss = plain.evaluate(data, "valid").get("loss/valid/total");

      assertThat(doubled.evaluate(data, "valid").get("loss/valid/total"))
          .isCloseTo(2 * plainLoss, within(1e-6));
      long[] all = new long[32];
      java.util.Arrays.setAll(all, i -> i);
      assertThat(doubled.train(all, 0)).isCloseTo(2 * plainLoss, within(1e-5));
    }
  }

  @Test
  void gatheringOnTheDeviceOrOnTheHostGivesTheSameTraining() {
    TensorDataset data = TestData.regression(64, 5, 2, 3);
    String[] digests = new String[2];
    String[] strategies = {"device", "host"};
    for (int k = 0; k < 2; k++) {
      try (DjlModel model = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), 4);
          SupervisedStep step =
              new SupervisedStep(
                  model,
                  TestData.source(data, null),
                  SupervisedStepConfig.of("mse").withGather(strategies[k]))) {
        Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-2));
        for (int u = 0; u < 8; u++) {
          step.train(DropoutRunMain.batch(u), u);
          optimizer.step(1e-2);
        }
        digests[k] = StateDigest.of(model.stateDict());
      }
    }
    assertThat(digests[1]).isEqualTo(digests[0]);
  }

  @Test
  void thousandsOfUpdatesAndEvaluationsLeaveNoArrayBehind() {
    TensorDataset data = TestData.regression(128, 5, 2, 3);
    try (DjlModel model = MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), 4);
        SupervisedStep step =
            new SupervisedStep(
                model,
                TestData.source(data, data),
                new SupervisedStepConfig("mse", null, 50, null))) {
      Optimizer optimizer =
          AdamOptimizer.adamW(
              model, new AdamConfig(1e-3, null, null, null, 1.0, 10.0, List.of("*.bias"), null));
      step.train(DropoutRunMain.batch(0), 0);
      optimizer.step(1e-3);
      step.evaluate(data, "valid");
      int arrays = model.manager().getManagedArrays().size();
      for (int u = 1; u < 3000; u++) {
        step.train(DropoutRunMain.batch(u), u);
        optimizer.step(1e-3);
        if (u % 500 == 0) {
          step.evaluate(data, "valid");
        }
      }

      assertThat(model.manager().getManagedArrays()).hasSize(arrays);
    }
  }

  @Test
  void aBatchThatDoesNotFitTheModelIsReportedWithItsShapes() {
    TensorDataset data = TestData.regression(8, 3, 1, 4);
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(4, List.of(), 1), Device.cpu(), 2);
        SupervisedStep step =
            new SupervisedStep(
                model, TestData.source(data, null), SupervisedStepConfig.of("mse"))) {
      assertThatThrownBy(() -> step.train(new long[] {0, 1}, 0))
          .isInstanceOf(NoetherException.class)
          .hasMessageContaining(
              "model 'net' failed on a batch of inputs (2, 3) and targets (2, 1) (loss mse)");
    }
  }

  @Test
  void splitsThatAreNotTensorDatasetsAreRefused() {
    Dataset sizeOnly = () -> 10;
    try (DjlModel model =
        MlpModelFactory.build("net", MlpConfig.of(4, List.of(), 1), Device.cpu(), 2)) {
      assertThatThrownBy(
              () ->
                  new SupervisedStep(
                      model, TestData.source(sizeOnly, null), SupervisedStepConfig.of("mse")))
          .hasMessageContaining(
              "the supervised step trains on TensorDataset splits; the train split is a");
    }
  }

  @Test
  void theServiceLoaderFindsTheSupervisedKind() {
    @SuppressWarnings("rawtypes")
    List<String> kinds =
        ServiceLoader.load(TrainingStepFactory.class).stream().map(p -> p.get().kind()).toList();
    assertThat(kinds).contains("supervised");
    assertThatThrownBy(() -> SupervisedStepConfig.of("hinge"))
        .hasMessage(
            "loss 'hinge' is not known; valid: mse, l1, huber, softmax-cross-entropy, sigmoid-bce");
  }

  @Test
  void theFactoryBuildsAStepForADjlModel() {
    TensorDataset data = TestData.regression(8, 3, 1, 4);
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(3, List.of(), 1), Device.cpu(), 2);
        var step =
            new SupervisedStepFactory()
                .create(
                    SupervisedStepConfig.of("l1"),
                    model,
                    TestData.source(data, data),
                    TestComponentContext.empty())) {
      assertThat(step.evaluate(data, "valid")).containsOnlyKeys("loss/valid/total");
    }
  }

  private static double identityLoss(String loss, TensorDataset data) {
    return identityMetrics(loss, data).get("loss/valid/total");
  }

  private static Map<String, Double> identityMetrics(String loss, TensorDataset data) {
    int width = (int) data.features().shape()[1];
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(width, List.of(), width), Device.cpu(), 2);
        SupervisedStep step =
            new SupervisedStep(model, TestData.source(data, data), SupervisedStepConfig.of(loss))) {
      float[] identity = new float[width * width];
      for (int i = 0; i < width; i++) {
        identity[i * width + i] = 1;
      }
      model
          .parameters()
          .get("layers.0.weight")
          .copyFrom(HostTensor.ofFloats(new long[] {width, width}, identity));
      model
          .parameters()
          .get("layers.0.bias")
          .copyFrom(HostTensor.ofFloats(new long[] {width}, new float[width]));
      return step.evaluate(data, "valid");
    }
  }

  /** A user's step: the configured loss, doubled. */
  private static final class DoubledLossStep extends SupervisedStep {
    DoubledLossStep(
        DjlModel model, ai.noether.api.data.DataSource data, SupervisedStepConfig config) {
      super(model, data, config);
    }

    @Override
    protected NDArray loss(NDList predictions, NDList targets) {
      return super.loss(predictions, targets).mul(2f);
    }
  }
}
