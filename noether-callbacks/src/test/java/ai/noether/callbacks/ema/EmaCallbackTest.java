package ai.noether.callbacks.ema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.tensor.HostTensor;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.testkit.RecordingTrainingContext;
import ai.noether.testkit.TestModel;
import ai.noether.testkit.TestTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmaCallbackTest {
  @TempDir Path dir;

  private static TestModel mlp() {
    return new TestModel("mlp")
        .with("layer.weight", TestTensor.floats(0.5f, -1.0f, 2.0f))
        .with("layer.bias", TestTensor.floats(0.25f))
        .with("norm.num_batches_tracked", TestTensor.longs(0));
  }

  /** The weights after update u of a deterministic pseudo training run. */
  private static float[][] weightsAfter(int updates) {
    Random random = new Random(42);
    float[][] out = new float[updates + 1][];
    out[0] = new float[] {0.5f, -1.0f, 2.0f};
    for (int u = 1; u <= updates; u++) {
      out[u] = out[u - 1].clone();
      for (int i = 0; i < 3; i++) {
        out[u][i] += (float) random.nextGaussian() * 0.1f;
      }
    }
    return out;
  }

  /** Drives {@code ema} through updates {@code from+1..to} of {@link #weightsAfter}. */
  private static void train(
      EmaCallback ema,
      RecordingTrainingContext context,
      TestModel model,
      float[][] weights,
      int from,
      int to) {
    for (int u = from + 1; u <= to; u++) {
      model.tensor("layer.weight").set(weights[u]);
      model.tensor("norm.num_batches_tracked").set((long) u);
      context.at(u / 4, u, u * 32L);
      ema.afterUpdate(context);
    }
  }

  private static float[] shadow(
      EmaCallback ema, RecordingTrainingContext context, String info, String path) {
    return ema.checkpointModels(context).stream()
        .filter(s -> s.modelInfo().equals(info))
        .findFirst()
        .orElseThrow()
        .stateDict()
        .get(path)
        .toFloatArray();
  }

  @Test
  void shadowWeightsFollowTheExponentialMovingAverageOfEachFactor() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.9, 0.99));
    float[][] w = weightsAfter(50);
    ema.beforeTraining(context);
    train(ema, context, model, w, 0, 50);

    for (double factor : new double[] {0.9, 0.99}) {
      double[] expected = {0.5, -1.0, 2.0};
      for (int u = 1; u <= 50; u++) {
        for (int i = 0; i < 3; i++) {
          expected[i] = factor * expected[i] + (1 - factor) * w[u][i];
        }
      }
      float[] actual = shadow(ema, context, EmaCallback.modelInfo(factor), "layer.weight");
      for (int i = 0; i < 3; i++) {
        assertThat((double) actual[i])
            .as("factor %s, element %d", factor, i)
            .isCloseTo(expected[i], within(1e-5));
      }
    }
  }

  @Test
  void integerBuffersAreCopiedRatherThanAveraged() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.999));
    ema.beforeTraining(context);
    train(ema, context, model, weightsAfter(7), 0, 7);

    HostTensor counter =
        ema.checkpointModels(context).get(0).stateDict().get("norm.num_batches_tracked");
    assertThat(counter.toLongArray()).containsExactly(7L);
  }

  @Test
  void everyNUpdatesAveragesOnlyAtMultiplesOfN() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(new EmaCallbackConfig(List.of(0.5), 3L, null, null));
    float[][] w = weightsAfter(7);
    ema.beforeTraining(context);
    train(ema, context, model, w, 0, 7);

    double expected = 0.5;
    for (int u : new int[] {3, 6}) {
      expected = 0.5 * expected + 0.5 * w[u][0];
    }
    assertThat((double) shadow(ema, context, "ema=0.5", "layer.weight")[0])
        .isCloseTo(expected, within(1e-6));
    assertThat(ema.state().get(EmaCallback.STEPS)).isEqualTo(2L);
  }

  @Test
  void warmupUsesTheSmallerOfFactorAndOnePlusStepsOverTenPlusSteps() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(new EmaCallbackConfig(List.of(0.9999), null, null, true));
    float[][] w = weightsAfter(30);
    ema.beforeTraining(context);
    train(ema, context, model, w, 0, 30);

    double expected = 0.5;
    for (int u = 1; u <= 30; u++) {
      int n = u - 1;
      double decay = Math.min(0.9999, (1.0 + n) / (10.0 + n));
      expected = decay * expected + (1 - decay) * w[u][0];
    }
    assertThat((double) shadow(ema, context, "ema=0.9999", "layer.weight")[0])
        .isCloseTo(expected, within(1e-5));
  }

  @Test
  void checkpointModelsNameEachFactorWithItsShortestDecimal() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.999, 0.9999));
    ema.beforeTraining(context);

    List<ModelSnapshot> snapshots = ema.checkpointModels(context);

    assertThat(snapshots).extracting(ModelSnapshot::modelName).containsExactly("mlp", "mlp");
    assertThat(snapshots)
        .extracting(ModelSnapshot::modelInfo)
        .containsExactly("ema=0.999", "ema=0.9999");
    assertThat(snapshots.get(0).stateDict())
        .containsOnlyKeys("layer.weight", "layer.bias", "norm.num_batches_tracked");
    CheckpointTag tag =
        CheckpointTag.at(new ai.noether.api.checkpoint.TrainingIteration(2, 20, 640));
    assertThat(
            new CheckpointFileName(
                    "mlp", snapshots.get(1).modelInfo(), tag, CheckpointFileKind.MODEL)
                .format())
        .isEqualTo("mlp_ema=0.9999_cp=E2_U20_S640_model.th");
    assertThat(EmaCallback.modelInfo(0.5)).isEqualTo("ema=0.5");
    assertThat(EmaCallback.modelInfo(0.99990)).isEqualTo("ema=0.9999");
    assertThat(EmaCallback.modelInfo(0.00001)).isEqualTo("ema=0.00001");
    assertThat(EmaCallback.modelInfo(0)).isEqualTo("ema=0");
  }

  @Test
  void aCallbackRestoredFromTheStateContinuesBitForBit() {
    float[][] w = weightsAfter(40);
    TestModel modelA = mlp();
    RecordingTrainingContext contextA = RecordingTrainingContext.of(dir, modelA);
    EmaCallback a = new EmaCallback(new EmaCallbackConfig(List.of(0.9, 0.999), null, null, true));
    a.beforeTraining(contextA);
    train(a, contextA, modelA, w, 0, 17);
    Map<String, Object> saved = StateTrees.roundTrip(a.state());

    // A second process: a fresh model with the checkpoint's weights and a fresh callback.
    TestModel modelB = mlp();
    modelB.tensor("layer.weight").set(w[17]);
    modelB.tensor("norm.num_batches_tracked").set(17L);
    RecordingTrainingContext contextB =
        RecordingTrainingContext.of(dir, modelB).at(contextA.iteration());
    EmaCallback b = new EmaCallback(new EmaCallbackConfig(List.of(0.9, 0.999), null, null, true));
    b.loadState(saved);
    b.beforeTraining(contextB);

    train(a, contextA, modelA, w, 17, 40);
    train(b, contextB, modelB, w, 17, 40);

    List<ModelSnapshot> fromA = a.checkpointModels(contextA);
    List<ModelSnapshot> fromB = b.checkpointModels(contextB);
    assertThat(fromB).hasSameSizeAs(fromA);
    for (int i = 0; i < fromA.size(); i++) {
      for (String path : fromA.get(i).stateDict().keySet()) {
        assertThat(
                fromB
                    .get(i)
                    .stateDict()
                    .get(path)
                    .contentEquals(fromA.get(i).stateDict().get(path)))
            .as("%s %s", fromA.get(i).modelInfo(), path)
            .isTrue();
      }
    }
    assertThat(b.state().get(EmaCallback.STEPS))
        .isEqualTo(40L)
        .isEqualTo(a.state().get(EmaCallback.STEPS));
  }

  @Test
  void theStateHoldsTheShadowWeightsByModelFactorAndPath() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.9999));
    ema.beforeTraining(context);

    Map<String, Object> state = ema.state();

    assertThat(state).containsKeys("target_factors", "steps", "last_update", "shadows");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Map<String, Object>>> shadows =
        (Map<String, Map<String, Map<String, Object>>>) state.get("shadows");
    assertThat(shadows.get("mlp").get("ema=0.9999").get("layer.weight"))
        .isInstanceOf(HostTensor.class);
    assertThat(
            ((HostTensor) shadows.get("mlp").get("ema=0.9999").get("layer.weight")).toFloatArray())
        .containsExactly(0.5f, -1.0f, 2.0f);
  }

  @Test
  void evaluatingTheEmaWeightsLogsThemBesideTheTrainingWeightsAndRestoresTheModel() {
    TestModel model = mlp();
    // "Validation loss" = the first weight, so the logged value shows which weights were evaluated.
    RecordingTrainingContext context =
        RecordingTrainingContext.of(dir, model)
            .validation(
                c ->
                    Map.of(
                        "loss/valid/total",
                        (double) model.tensor("layer.weight").floatValues()[0]));
    EmaCallback ema = new EmaCallback(new EmaCallbackConfig(List.of(0.5), null, true, null));
    ema.beforeTraining(context);
    model.tensor("layer.weight").set(1.5f, -1.0f, 2.0f);
    context.at(0, 1, 32);

    // The trainer evaluates before afterUpdate: the EMA step of update 1 must happen first.
    ema.afterEvaluation(context, Map.of("loss/valid/total", 1.5));
    ema.afterUpdate(context);

    assertThat(context.metrics()).containsEntry("loss/valid/total/ema=0.5", 1.0);
    assertThat(model.tensor("layer.weight").floatValues()).containsExactly(1.5f, -1.0f, 2.0f);
    assertThat(shadow(ema, context, "ema=0.5", "layer.weight")).containsExactly(1.0f, -1.0f, 2.0f);
    assertThat(ema.state().get(EmaCallback.STEPS)).isEqualTo(1L);
  }

  @Test
  void afterTrainingReleasesTheShadowTensorsButKeepsThemForTheFinalCheckpoint() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.9));
    ema.beforeTraining(context);
    train(ema, context, model, weightsAfter(3), 0, 3);
    float[] before = shadow(ema, context, "ema=0.9", "layer.weight");

    ema.afterTraining(context);

    assertThat(shadow(ema, context, "ema=0.9", "layer.weight")).containsExactly(before);
    assertThat(StateTrees.roundTrip(ema.state())).isNotEmpty();
  }

  @Test
  void aSavedStateForAnotherArchitectureIsRejectedNamingTheParameters() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.9));
    ema.beforeTraining(context);
    Map<String, Object> saved = StateTrees.roundTrip(ema.state());

    TestModel other = new TestModel("mlp").with("head.weight", TestTensor.floats(1f));
    EmaCallback restored = new EmaCallback(EmaCallbackConfig.of(0.9));
    restored.loadState(saved);

    assertThatThrownBy(() -> restored.beforeTraining(RecordingTrainingContext.of(dir, other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ema=0.9")
        .hasMessageContaining("missing [head.weight]")
        .hasMessageContaining("unexpected [layer.weight, layer.bias, norm.num_batches_tracked]");
  }

  @Test
  void aFactorAddedSinceTheCheckpointStartsFromTheCurrentWeights() {
    TestModel model = mlp();
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    EmaCallback ema = new EmaCallback(EmaCallbackConfig.of(0.9));
    ema.beforeTraining(context);
    train(ema, context, model, weightsAfter(5), 0, 5);
    Map<String, Object> saved = StateTrees.roundTrip(ema.state());

    EmaCallback more = new EmaCallback(EmaCallbackConfig.of(0.9, 0.99));
    more.loadState(saved);
    more.beforeTraining(context);

    assertThat(shadow(more, context, "ema=0.9", "layer.weight"))
        .containsExactly(shadow(ema, context, "ema=0.9", "layer.weight"));
    assertThat(shadow(more, context, "ema=0.99", "layer.weight"))
        .containsExactly(model.tensor("layer.weight").floatValues());
  }

  @Test
  void configRejectsFactorsOutsideTheUnitInterval() {
    assertThatThrownBy(() -> EmaCallbackConfig.of(1.0))
        .hasMessageContaining("target_factors")
        .hasMessageContaining("[0, 1)");
    assertThatThrownBy(() -> new EmaCallbackConfig(List.of(), null, null, null))
        .hasMessageContaining("target_factors");
    assertThatThrownBy(() -> EmaCallbackConfig.of(0.9, 0.9)).hasMessageContaining("twice");
    assertThatThrownBy(() -> new EmaCallbackConfig(List.of(0.9), 0L, null, null))
        .hasMessageContaining("every_n_updates");
    List<Double> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> new EmaCallbackConfig(withNull, null, null, null))
        .hasMessageContaining("target_factors");
  }
}
