package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.tensor.HostTensor;
import ai.noether.callbacks.best.BestCheckpointCallback;
import ai.noether.callbacks.best.BestCheckpointCallbackConfig;
import ai.noether.callbacks.checkpoint.CheckpointCallback;
import ai.noether.callbacks.checkpoint.CheckpointCallbackConfig;
import ai.noether.callbacks.ema.EmaCallback;
import ai.noether.callbacks.ema.EmaCallbackConfig;
import ai.noether.callbacks.history.HistoryPlotCallback;
import ai.noether.callbacks.history.HistoryPlotCallbackConfig;
import ai.noether.callbacks.stopping.EarlyStoppingCallback;
import ai.noether.callbacks.stopping.EarlyStoppingCallbackConfig;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.callbacks.testing.TrainerRuns;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.history.PngHistoryPlotter;
import ai.noether.core.training.TrainingResult;
import ai.noether.testkit.TinyRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The callbacks with the real file store and the {@code .th} format: what lands in the checkpoint
 * directory under which name, and a resume that reads everything back from those files.
 */
class CallbacksOnDiskTest {
  private static final int TRAIN_SIZE = 64;
  private static final long EPOCHS = 6;

  @TempDir Path dir;

  private static List<Callback> callbacks() {
    List<Callback> callbacks = new ArrayList<>();
    callbacks.add(
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(2)).withKeepLast(2)));
    callbacks.add(new EmaCallback(new EmaCallbackConfig(List.of(0.9, 0.9999), null, true, null)));
    callbacks.add(new BestCheckpointCallback(BestCheckpointCallbackConfig.of("loss/valid/total")));
    callbacks.add(
        new EarlyStoppingCallback(EarlyStoppingCallbackConfig.of("loss/valid/total", 100)));
    callbacks.add(
        new HistoryPlotCallback(
            new HistoryPlotCallbackConfig(null, null, null, null), new PngHistoryPlotter()));
    return callbacks;
  }

  private static RunLayout layout(Path outputDir) {
    return new RunLayout(outputDir, TrainerRuns.STAGE);
  }

  /**
   * Trains in {@code outputDir}: from scratch, or from the checkpoint {@code resumeFrom} read back
   * from its files; interrupted after {@code interruptAfter} updates when not null.
   */
  private static TrainingResult train(Path outputDir, CheckpointTag resumeFrom, Long interruptAfter)
      throws IOException {
    return train(outputDir, resumeFrom, interruptAfter, callbacks());
  }

  private static TrainingResult train(
      Path outputDir, CheckpointTag resumeFrom, Long interruptAfter, List<Callback> callbacks)
      throws IOException {
    TinyRun.Builder run =
        TinyRun.in(outputDir)
            .runId(TrainerRuns.STAGE.runId())
            .stageName(TrainerRuns.STAGE.stageName())
            .trainSize(TRAIN_SIZE)
            .batchSize(TrainerRuns.BATCH_SIZE)
            .epochs(EPOCHS)
            .resumeFrom(resumeFrom);
    for (int i = 0; i < callbacks.size(); i++) {
      Callback c = callbacks.get(i);
      run.callback(c.stateKey() != null ? c.stateKey() : "callback-" + i, c);
    }
    if (interruptAfter != null) {
      run.interruptAfterUpdate(interruptAfter);
    }
    return run.run().result();
  }

  private static Set<String> checkpointFiles(Path outputDir) throws IOException {
    try (Stream<Path> files = Files.list(layout(outputDir).checkpointDir())) {
      return new TreeSet<>(
          files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
    }
  }

  private static Set<String> resumableFiles(String tag) {
    return Set.of(
        "mlp_cp=" + tag + "_model.th",
        "mlp_cp=" + tag + "_optim.th",
        "mlp_cp=" + tag + "_trainer.th",
        "mlp_ema=0.9_cp=" + tag + "_model.th",
        "mlp_ema=0.9999_cp=" + tag + "_model.th");
  }

  private static Path file(Path outputDir, String name) {
    return layout(outputDir).checkpointDir().resolve(name);
  }

  private static Object emaState(Path outputDir) throws IOException {
    Map<?, ?> callbacks =
        (Map<?, ?>)
            ThReader.read(file(outputDir, "mlp_cp=last_trainer.th")).get(CheckpointKeys.CALLBACKS);
    return callbacks.get("ema");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCheckpointDirectoryHoldsPeriodicEmaBestLatestAndLastFilesUnderNoethersNames()
      throws IOException {
    Path out = dir.resolve("runs");
    train(out, null, null);

    Set<String> expected = new TreeSet<>();
    expected.addAll(resumableFiles("E4_U32_S256"));
    expected.addAll(resumableFiles("E6_U48_S384"));
    expected.addAll(resumableFiles("latest"));
    expected.addAll(resumableFiles("last"));
    expected.add("mlp_cp=best.loss~valid~total_model.th");
    assertThat(checkpointFiles(out))
        .as("E2_U16_S128 was removed by keep_last: 2")
        .isEqualTo(expected);

    Map<String, Object> ema = ThReader.read(file(out, "mlp_ema=0.9999_cp=last_model.th"));
    assertThat((Map<String, Object>) ema.get(CheckpointKeys.STATE_DICT))
        .containsOnlyKeys("linear.weight", "linear.bias");
    assertThat(layout(out).stageDir().resolve("plots/loss.png")).exists();
  }

  @Test
  void aRunInterruptedAndResumedFromItsFilesWritesTheSameEmaAndBestFiles() throws IOException {
    Path straight = dir.resolve("straight");
    Path resumed = dir.resolve("resumed");
    train(straight, null, null);
    assertThat(train(resumed, null, 21L).interrupted()).isTrue();
    assertThat(checkpointFiles(resumed)).containsAll(resumableFiles("E2_U21_S168.signal"));

    train(resumed, CheckpointTag.LATEST, null);

    for (String name :
        List.of(
            "mlp_cp=last_model.th",
            "mlp_ema=0.9_cp=last_model.th",
            "mlp_ema=0.9999_cp=last_model.th",
            "mlp_cp=best.loss~valid~total_model.th")) {
      assertThat(Files.mismatch(file(resumed, name), file(straight, name)))
          .as("%s is byte for byte the same", name)
          .isEqualTo(-1L);
    }
    assertThat(StateTrees.difference(emaState(resumed), emaState(straight)))
        .as("EMA state")
        .isNull();
    Set<String> withoutEmergency = checkpointFiles(resumed);
    withoutEmergency.removeAll(resumableFiles("E2_U21_S168.signal"));
    assertThat(withoutEmergency).isEqualTo(checkpointFiles(straight));
  }

  @Test
  void resumingFromAnOlderPeriodicCheckpointReplaysToTheSameEnd() throws IOException {
    Path straight = dir.resolve("straight");
    Path crashed = dir.resolve("crashed");
    train(straight, null, null);
    // As after a crash: later files (best checkpoint, history, newer periodic checkpoints) are on
    // disk.
    train(crashed, null, null);

    train(crashed, CheckpointTag.parse("E4_U32_S256"), null);

    for (String name :
        List.of(
            "mlp_cp=last_model.th",
            "mlp_ema=0.9999_cp=last_model.th",
            "mlp_cp=best.loss~valid~total_model.th")) {
      assertThat(Files.mismatch(file(crashed, name), file(straight, name))).as(name).isEqualTo(-1L);
    }
    assertThat(checkpointFiles(crashed)).isEqualTo(checkpointFiles(straight));
    assertThat(Files.readString(layout(crashed).stageDir().resolve("history.jsonl")))
        .contains("{\"event\":\"resume\",\"epoch\":4,\"update\":32,\"sample\":256");
  }

  @Test
  @SuppressWarnings("unchecked")
  void withSaveEmaTheBestCheckpointHoldsTheEmaWeightsOfTheSameEvaluation() throws IOException {
    Path out = dir.resolve("runs");
    List<Callback> callbacks = new ArrayList<>();
    callbacks.add(new EmaCallback(new EmaCallbackConfig(List.of(0.9), null, null, null)));
    callbacks.add(
        new BestCheckpointCallback(
            new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(2), true)));
    callbacks.add(
        new EarlyStoppingCallback(EarlyStoppingCallbackConfig.of("loss/valid/total", 100)));
    train(out, null, null, callbacks);

    assertThat(checkpointFiles(out))
        .contains(
            "mlp_cp=best.loss~valid~total_model.th",
            "mlp_ema=0.9_cp=best.loss~valid~total_model.th",
            "mlp_ema=0.9_cp=best.loss~valid~total.tolerance2_model.th");
    Map<String, Object> best = ThReader.read(file(out, "mlp_cp=best.loss~valid~total_model.th"));
    Map<String, Object> ema =
        ThReader.read(file(out, "mlp_ema=0.9_cp=best.loss~valid~total_model.th"));
    assertThat(ema.get(CheckpointKeys.TRAINING_ITERATION))
        .isEqualTo(best.get(CheckpointKeys.TRAINING_ITERATION));
    Map<String, HostTensor> emaWeights =
        (Map<String, HostTensor>) ema.get(CheckpointKeys.STATE_DICT);
    Map<String, HostTensor> weights = (Map<String, HostTensor>) best.get(CheckpointKeys.STATE_DICT);
    assertThat(emaWeights).containsOnlyKeys("linear.weight", "linear.bias");
    assertThat(emaWeights.get("linear.weight").contentEquals(weights.get("linear.weight")))
        .as("averaged, not the trained weights")
        .isFalse();
  }

  @Test
  void withoutSaveEmaTheBestCheckpointHoldsOnlyTheTrainedWeights() throws IOException {
    Path out = dir.resolve("runs");
    train(out, null, null);

    assertThat(checkpointFiles(out))
        .filteredOn(n -> n.contains("best."))
        .containsExactly("mlp_cp=best.loss~valid~total_model.th");
  }
}
