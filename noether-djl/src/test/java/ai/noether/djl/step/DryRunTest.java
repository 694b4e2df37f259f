package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dry forward pass that runs before training ({@link SupervisedStep#dryRun}) changes nothing a
 * run depends on, so a run with it trains bit for bit like one without, and it reports a model that
 * does not fit its data with the shapes; the static checks of the supervised step and the mlp find
 * the same mistakes from the configuration alone.
 */
class DryRunTest {

  @Test
  void aDryRunLeavesTheWeightsAsTheyWereAndTheRunTrainsBitForBitLikeOneWithout() {
    TensorDataset data = TestData.regression(64, 5, 2, 3);
    long initSeed = Seeds.forInitialization(DropoutRunMain.RUN_SEED, 0);
    try (DjlModel plain =
            MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        DjlModel checked =
            MlpModelFactory.build("net", DropoutRunMain.CONFIG, Device.cpu(), initSeed);
        SupervisedStep plainStep =
            new SupervisedStep(plain, TestData.source(data, null), SupervisedStepConfig.of("mse"));
        SupervisedStep checkedStep =
            new SupervisedStep(
                checked, TestData.source(data, null), SupervisedStepConfig.of("mse"))) {
      String initial = StateDigest.of(checked.stateDict());
      checkedStep.dryRun(DropoutRunMain.batch(0));
      assertThat(StateDigest.of(checked.stateDict()))
          .as("weights after the dry run")
          .isEqualTo(initial);

      Optimizer plainOpt = AdamOptimizer.adamW(plain, AdamConfig.of(1e-2));
      Optimizer checkedOpt = AdamOptimizer.adamW(checked, AdamConfig.of(1e-2));
      for (int u = 0; u < 12; u++) {
        long[] batch = DropoutRunMain.batch(u);
        if (u == 5) {
          // A resumed run makes its dry run between two updates of the uninterrupted one.
          String before = StateDigest.of(checked.stateDict());
          checkedStep.dryRun(batch);
          assertThat(StateDigest.of(checked.stateDict())).isEqualTo(before);
        }
        double lossPlain = plainStep.train(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED, u));
        plainOpt.step(1e-2);
        double lossChecked = checkedStep.train(batch, Seeds.forUpdate(DropoutRunMain.RUN_SEED, u));
        checkedOpt.step(1e-2);
        assertThat(lossChecked).as("loss of update %d", u).isEqualTo(lossPlain);
      }

      assertThat(StateDigest.difference(plain.stateDict(), checked.stateDict())).isEmpty();
    }
  }

  @Test
  void aDryRunReportsAModelThatDoesNotFitItsDataWithTheShapes() {
    TensorDataset data = TestData.regression(32, 5, 1, 3);
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(4, List.of(8), 1), Device.cpu(), 2);
        SupervisedStep step =
            new SupervisedStep(
                model, TestData.source(data, null), SupervisedStepConfig.of("mse"))) {
      String initial = StateDigest.of(model.stateDict());

      assertThatThrownBy(() -> step.dryRun(new long[] {0, 1, 2, 3, 4, 5, 6, 7}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("model 'net' on inputs (8, 5) with targets (8, 1) and loss mse: ")
          .hasMessageContaining("(8x5 and 4x8)");
      assertThat(StateDigest.of(model.stateDict())).isEqualTo(initial);
    }
  }

  @Test
  void aDryRunReportsPredictionsThatTheLossCannotCompareWithTheTargets() {
    TensorDataset data = TestData.regression(32, 5, 1, 3);
    try (DjlModel model =
            MlpModelFactory.build("net", MlpConfig.of(5, List.of(), 3), Device.cpu(), 2);
        SupervisedStep step =
            new SupervisedStep(model, TestData.source(data, null), SupervisedStepConfig.of("l1"))) {
      assertThatThrownBy(() -> step.dryRun(new long[] {0, 1, 2, 3}))
          .hasMessage(
              "model 'net' on inputs (4, 5) with targets (4, 1) and loss l1: predictions [4, 3] and targets"
                  + " [4, 1] do not have the same number of values");
    }
  }

  @Test
  void classIndicesBeyondTheDeclaredClassesAreAnErrorNamingTheKeysAndTheValidRange() {
    HostTensor targets = HostTensor.ofLongs(new long[] {4}, 0, 3, 1, 2);
    RunPlan plan =
        new RunPlan(
            1,
            0,
            0,
            2,
            4,
            false,
            new SampleShape(List.of(5L), DType.FLOAT32, "the features"),
            SampleShape.ofRows(targets.shape(), DType.INT64, "the targets"),
            targets,
            new SampleShape(List.of(3L), null, "the model (model.output_size: 3)"));
    ConfigProblems problems = new ConfigProblems();

    new SupervisedStepFactory()
        .check(SupervisedStepConfig.of("softmax-cross-entropy"), plan, problems.at("trainer"));

    assertThat(problems.errors())
        .extracting(Object::toString)
        .containsExactly(
            "trainer.loss: softmax-cross-entropy:"
                + " the targets hold class indices up to 3, but the model (model.output_size: 3) give 3 classes (valid indices"
                + " 0 to 2); make the model predict 4 classes.");
  }

  @Test
  void anMlpChecksItsInputSizeAgainstTheFeaturesAndDeclaresItsOutput() {
    RunPlan plan =
        new RunPlan(
            1,
            0,
            0,
            2,
            4,
            false,
            new SampleShape(List.of(3L, 4L), DType.FLOAT32, "the features"),
            null,
            null,
            null);
    ConfigProblems problems = new ConfigProblems();
    MlpModelFactory factory = new MlpModelFactory();

    factory.check(MlpConfig.of(12, List.of(), 2), plan, problems.at("model"));

    assertThat(problems.errors())
        .extracting(Object::toString)
        .containsExactly(
            "model.input_size: 12, but the features"
                + " are [3, 4] float32 per sample: an mlp takes one vector of input_size values per sample. Flatten the features"
                + " in the dataset (12 values), or use a model kind made for that shape.");
    assertThat(factory.outputShape(MlpConfig.of(12, List.of(), 2), "model"))
        .get()
        .extracting(SampleShape::dims)
        .isEqualTo(List.of(2L));
  }
}
