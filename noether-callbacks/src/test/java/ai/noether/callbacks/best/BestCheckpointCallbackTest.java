package ai.noether.callbacks.best;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.Dataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.train.TrainingStep;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import ai.noether.testkit.RecordingTrainingContext;
import ai.noether.testkit.TestModel;
import ai.noether.testkit.TestTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestCheckpointCallbackTest {
  @TempDir Path dir;

  private final TestModel model = new TestModel("mlp").with("w", TestTensor.floats(0f));

  /**
   * Feeds {@code values} as evaluations at updates {@code first, first+1, ...}; before each, the
   * model's weight is set to the update number so that a saved file tells when it was taken.
   */
  private static void evaluate(
      BestCheckpointCallback callback,
      RecordingTrainingContext context,
      TestModel model,
      String key,
      int first,
      double... values) {
    for (int i = 0; i < values.length; i++) {
      int update = first + i;
      model.tensor("w").set((float) update);
      context.at(0, update, update * 10L);
      callback.onMetricsLogged(context, Map.of(key, values[i]));
    }
  }

  /** The update each save of {@code tag} was taken at, in save order. */
  private static List<Integer> savedUpdates(RecordingTrainingContext context, CheckpointTag tag) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < context.writer().modelSaveOrder().size(); i++) {
      if (context.writer().modelSaveOrder().get(i).equals(tag)) {
        out.add(i);
      }
    }
    return out;
  }

  private static float savedWeight(RecordingTrainingContext context, CheckpointTag tag) {
    List<ModelSnapshot> files = context.writer().modelSaves().get(tag);
    assertThat(files).extracting(ModelSnapshot::modelName).containsExactly("mlp");
    assertThat(files.get(0).modelInfo()).isNull();
    return files.get(0).stateDict().get("w").toFloatArray()[0];
  }

  @Test
  void aLossIsMinimisedAndEachNewBestReplacesTheBestModelFiles() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback =
        new BestCheckpointCallback(BestCheckpointCallbackConfig.of("loss/valid/total"));

    evaluate(callback, context, model, "loss/valid/total", 1, 1.0, 0.8, 0.9, 0.7, 0.75);

    CheckpointTag tag = CheckpointTag.best("loss/valid/total");
    assertThat(tag.token()).isEqualTo("best.loss~valid~total");
    assertThat(context.writer().modelSaveOrder()).containsExactly(tag, tag, tag);
    assertThat(savedWeight(context, tag)).isEqualTo(4f);
    assertThat(callback.best()).isEqualTo(0.7);
    assertThat(context.writer().deletes()).isEmpty();
  }

  @Test
  void anAccuracyIsMaximisedAsTheStepDeclaresIt() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallbackConfig config = BestCheckpointCallbackConfig.of("accuracy/valid");
    BestCheckpointCallback callback =
        new BestCheckpointCallback(
            config, config.direction(Map.of("accuracy", Direction.HIGHER_IS_BETTER)));

    evaluate(callback, context, model, "accuracy/valid", 1, 0.5, 0.7, 0.6, 0.8, 0.79);

    assertThat(context.writer().modelSaveOrder()).hasSize(3);
    assertThat(savedWeight(context, CheckpointTag.best("accuracy/valid"))).isEqualTo(4f);
  }

  @Test
  void anExplicitModeOverridesTheName() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback =
        new BestCheckpointCallback(
            new BestCheckpointCallbackConfig("loss/valid/total", "max", null, null));

    evaluate(callback, context, model, "loss/valid/total", 1, 1.0, 0.8, 1.2);

    assertThat(savedWeight(context, CheckpointTag.best("loss/valid/total"))).isEqualTo(3f);
  }

  @Test
  void nanNeverCountsAsANewBestAndOtherMetricsAreIgnored() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback =
        new BestCheckpointCallback(BestCheckpointCallbackConfig.of("loss/valid/total"));

    evaluate(callback, context, model, "loss/valid/total", 1, Double.NaN, 2.0, Double.NaN);
    evaluate(callback, context, model, "loss/train/total", 4, 0.1);

    assertThat(context.writer().modelSaveOrder()).hasSize(1);
    assertThat(savedWeight(context, CheckpointTag.best("loss/valid/total"))).isEqualTo(2f);
  }

  @Test
  void aToleranceCheckpointFollowsTheBestUntilNValuesInARowFailToImprove() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback =
        new BestCheckpointCallback(
            new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(2, 1), null));

    // update:             1    2    3     4    5     6     7
    evaluate(callback, context, model, "loss/valid/total", 1, 1.0, 0.9, 0.95, 0.8, 0.85, 0.86, 0.7);

    assertThat(callback.toleranceTag(1).token()).isEqualTo("best.loss~valid~total.tolerance1");
    // One value without improvement (update 3) freezes tolerance 1 at update 2.
    assertThat(savedWeight(context, callback.toleranceTag(1))).isEqualTo(2f);
    assertThat(savedUpdates(context, callback.toleranceTag(1))).hasSize(2);
    // Two in a row (updates 5 and 6) freeze tolerance 2 at update 4.
    assertThat(savedWeight(context, callback.toleranceTag(2))).isEqualTo(4f);
    assertThat(savedUpdates(context, callback.toleranceTag(2))).hasSize(3);
    assertThat(savedWeight(context, callback.bestTag())).isEqualTo(7f);
    assertThat(context.writer().deletes()).isEmpty();
  }

  @Test
  void aCallbackRestoredFromTheStateMidRunSavesExactlyWhatTheUninterruptedOneSaves() {
    BestCheckpointCallbackConfig config =
        new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(1, 3), null);
    double[] values = {1.0, 0.9, 0.95, 0.8, 0.85, 0.86, 0.87, 0.7, 0.71, 0.6};
    RecordingTrainingContext uninterrupted = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback a = new BestCheckpointCallback(config);
    evaluate(a, uninterrupted, model, "loss/valid/total", 1, values);

    RecordingTrainingContext before = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback b = new BestCheckpointCallback(config);
    evaluate(b, before, model, "loss/valid/total", 1, java.util.Arrays.copyOfRange(values, 0, 5));
    Map<String, Object> saved = StateTrees.roundTrip(b.state());
    RecordingTrainingContext after = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback c = new BestCheckpointCallback(config);
    c.loadState(saved);
    evaluate(
        c,
        after,
        model,
        "loss/valid/total",
        6,
        java.util.Arrays.copyOfRange(values, 5, values.length));

    List<CheckpointTag> acrossResume = new ArrayList<>(before.writer().modelSaveOrder());
    acrossResume.addAll(after.writer().modelSaveOrder());
    assertThat(acrossResume).containsExactlyElementsOf(uninterrupted.writer().modelSaveOrder());
    for (CheckpointTag tag : after.writer().modelSaves().keySet()) {
      assertThat(savedWeight(after, tag))
          .as(tag.token())
          .isEqualTo(savedWeight(uninterrupted, tag));
    }
    assertThat(c.state()).isEqualTo(a.state());
    assertThat(c.stateKey()).isEqualTo("best-checkpoint/loss/valid/total");
  }

  @Test
  void configNamesTheKeyThatIsWrong() {
    assertThatThrownBy(() -> new BestCheckpointCallbackConfig(null, null, null, null))
        .hasMessageContaining("metric_key is required");
    assertThatThrownBy(
            () -> new BestCheckpointCallbackConfig("loss/valid/total", "median", null, null))
        .hasMessageContaining("mode must be min or max")
        .hasMessageContaining("median");
    assertThatThrownBy(
            () -> BestCheckpointCallbackConfig.of("foo/valid").direction(MetricDirections.DEFAULT))
        .hasMessageContaining("'foo/valid'")
        .hasMessageContaining("mode: min");
    assertThatThrownBy(
            () -> new BestCheckpointCallbackConfig("loss/valid/total", null, null, null, 0))
        .hasMessageContaining("save_top_k must be a whole number of at least 1, was 0");
    assertThatThrownBy(
            () -> new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(0), null))
        .hasMessageContaining("tolerances");
  }

  private static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  /**
   * A best-checkpoint callback built as a run builds it, with a step that declares {@code
   * declared}.
   */
  private static BestCheckpointCallback viaRegistry(
      Map<String, Object> settings, Map<String, Direction> declared) {
    RunContext context = new RunContext().put(TrainingStep.class, new DeclaringStep(declared));
    return (BestCheckpointCallback)
        REGISTRY.create(
            ComponentCategory.CALLBACK,
            ComponentBlock.of("trainer.callbacks[0]", "best-checkpoint", settings),
            context);
  }

  @Test
  void aLowerIsBetterNasaScoreKeepsTheLowestScoringModel() {
    // The name says "score"; inferring from it used to keep the worst model (80 at update 3).
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback =
        viaRegistry(
            Map.of("metric_key", "nasa_score/valid/rul"),
            Map.of("loss", Direction.LOWER_IS_BETTER, "nasa_score", Direction.LOWER_IS_BETTER));

    evaluate(callback, context, model, "nasa_score/valid/rul", 1, 50, 30, 80, 20, 25);

    assertThat(callback.best()).isEqualTo(20);
    assertThat(savedWeight(context, CheckpointTag.best("nasa_score/valid/rul"))).isEqualTo(4f);
  }

  @Test
  void anExplicitModeWinsOverTheStepsDeclaration() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback =
        viaRegistry(
            Map.of("metric_key", "nasa_score/valid/rul", "mode", "max"),
            Map.of("nasa_score", Direction.LOWER_IS_BETTER));

    evaluate(callback, context, model, "nasa_score/valid/rul", 1, 50, 30, 80, 20);

    assertThat(savedWeight(context, CheckpointTag.best("nasa_score/valid/rul"))).isEqualTo(3f);
  }

  @Test
  void aMetricWithoutModeOrDeclarationIsAConfigErrorSayingHowToFixIt() {
    assertThatThrownBy(
            () ->
                viaRegistry(Map.of("metric_key", "nasa_score/valid/rul"), MetricDirections.DEFAULT))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("trainer.callbacks[0]")
        .hasMessageContaining("metric_key 'nasa_score/valid/rul'")
        .hasMessageContaining("{loss: min}")
        .hasMessageContaining("Set mode: min (lower is better) or mode: max (higher is better)");
  }

  private static BestCheckpointCallback topK(int k) {
    return new BestCheckpointCallback(
        new BestCheckpointCallbackConfig("loss/valid/total", null, null, null, k));
  }

  private static CheckpointTag top(int update) {
    return CheckpointTag.best("loss/valid/total." + new TrainingIteration(0, update, update * 10L));
  }

  @Test
  void saveTopKKeepsTheKBestAndDeletesOnlyTheTagsThatDropOut() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback callback = topK(2);

    evaluate(callback, context, model, "loss/valid/total", 1, 5, 3, 4, 1, 2, 9);

    assertThat(context.writer().deletes()).containsExactly(top(1), top(3), top(2));
    assertThat(callback.topK())
        .containsExactly(new TrainingIteration(0, 4, 40), new TrainingIteration(0, 5, 50));
    assertThat(savedWeight(context, top(4))).isEqualTo(4f);
    assertThat(savedWeight(context, top(5))).isEqualTo(5f);
    assertThat(savedWeight(context, CheckpointTag.best("loss/valid/total"))).isEqualTo(4f);
    assertThat(context.writer().modelSaves()).doesNotContainKey(top(6));
    assertThat(top(4).token()).isEqualTo("best.loss~valid~total.E0_U4_S40");
  }

  @Test
  void saveTopKContinuesAcrossAResumeAsIfUninterrupted() {
    double[] values = {5, 3, 4, 1, 2, 0.5, 6, 0.7};
    RecordingTrainingContext straight = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback a = topK(3);
    evaluate(a, straight, model, "loss/valid/total", 1, values);

    RecordingTrainingContext before = RecordingTrainingContext.of(dir, model);
    BestCheckpointCallback b = topK(3);
    evaluate(b, before, model, "loss/valid/total", 1, java.util.Arrays.copyOfRange(values, 0, 4));
    Map<String, Object> saved = StateTrees.roundTrip(b.state());
    BestCheckpointCallback c = topK(3);
    c.loadState(saved);
    RecordingTrainingContext after = RecordingTrainingContext.of(dir, model);
    evaluate(
        c,
        after,
        model,
        "loss/valid/total",
        5,
        java.util.Arrays.copyOfRange(values, 4, values.length));

    List<CheckpointTag> deletes = new ArrayList<>(before.writer().deletes());
    deletes.addAll(after.writer().deletes());
    assertThat(deletes).isEqualTo(straight.writer().deletes());
    assertThat(c.topK()).isEqualTo(a.topK());
    assertThat(c.state()).isEqualTo(a.state());
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
