package ai.noether.initializers.previousrun;

import static ai.noether.initializers.previousrun.PreviousRunInitializerTest.assertHasWeights;
import static ai.noether.initializers.previousrun.PreviousRunInitializerTest.sameArchitecture;
import static ai.noether.initializers.previousrun.PreviousRunInitializerTest.weights;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.init.Initializer;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.initializers.CapturedLogs;
import ai.noether.initializers.HostModel;
import ai.noether.initializers.InitializerYaml;
import ai.noether.initializers.mapping.StateDictLoader;
import ai.noether.testkit.PythonTorch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code previous-run} on runs written by Noether in Python: no manifests, {@code best_model.*}
 * tags, {@code latest} as a separate copy whose iteration is inside it, runs without stage, EMA
 * weights under {@code ema=}. Each run is written by this framework's {@code .th} writer and, where
 * {@code /usr/bin/python3} has torch, by real {@code torch.save}.
 *
 * <p>Every run: E1 (weights 1), E2 (2), latest = E2 (2), EMA latest (3), {@code
 * best_model.loss.online.total} (6) and its {@code .tolerance=5} twin (7), both at E1.
 */
class NoetherPythonRunInitializerTest {
  @TempDir Path outputDir;

  private void write(boolean pytorch, String runId, String stage) throws IOException {
    if (pytorch) {
      PythonTorch.assumeAvailable("numpy");
      Path scripts = Files.createTempDirectory(outputDir, ".scripts");
      if (stage == null) {
        PythonTorch.runScript(
            getClass(), "noether_python_mlp_run.py", scripts, outputDir.toString(), runId);
      } else {
        PythonTorch.runScript(
            getClass(), "noether_python_mlp_run.py", scripts, outputDir.toString(), runId, stage);
      }
      return;
    }
    Path checkpoints =
        Files.createDirectories(
            (stage == null ? outputDir.resolve(runId) : outputDir.resolve(runId).resolve(stage))
                .resolve("checkpoints"));
    Files.createDirectories(checkpoints.resolveSibling("tracker"));
    TrainingIteration e1 = new TrainingIteration(1, 10, 320);
    TrainingIteration e2 = new TrainingIteration(2, 20, 640);
    model(checkpoints, "mlp_cp=E1_U10_S320_model.th", 1, e1, runId);
    trainer(checkpoints, "mlp_cp=E1_U10_S320_trainer.th", e1);
    model(checkpoints, "mlp_cp=E2_U20_S640_model.th", 2, e2, runId);
    trainer(checkpoints, "mlp_cp=E2_U20_S640_trainer.th", e2);
    model(checkpoints, "mlp_cp=latest_model.th", 2, e2, runId);
    trainer(checkpoints, "mlp_cp=latest_trainer.th", e2);
    model(checkpoints, "mlp_ema=0.9999_cp=latest_model.th", 3, e2, runId);
    model(checkpoints, "mlp_cp=best_model.loss.online.total_model.th", 6, e1, runId);
    model(checkpoints, "mlp_cp=best_model.loss.online.total.tolerance=5_model.th", 7, e1, runId);
  }

  private static Map<String, Object> iteration(TrainingIteration it) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", it.epoch());
    m.put("update", it.update());
    m.put("sample", it.sample());
    return m;
  }

  private static void model(
      Path checkpoints, String name, int version, TrainingIteration it, String runId)
      throws IOException {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("state_dict", new LinkedHashMap<>(weights(version)));
    file.put(
        "checkpoint_tag",
        name.substring(name.indexOf("_cp=") + 4, name.length() - "_model.th".length()));
    file.put("training_iteration", iteration(it));
    file.put("run_id", runId);
    file.put("model_config", Map.of("kind", "mlp", "name", "mlp"));
    file.put("config_kind", "MlpConfig");
    ThFormat.write(checkpoints.resolve(name), file);
  }

  private static void trainer(Path checkpoints, String name, TrainingIteration it)
      throws IOException {
    ThFormat.write(
        checkpoints.resolve(name),
        Map.of("callback_state_dicts", Map.of(), "training_iteration", iteration(it)));
  }

  private Initializer initializer(String yaml) {
    return InitializerYaml.create(outputDir, FileCheckpointStore.open(outputDir), yaml);
  }

  /**
   * Loads {@code yaml}'s initializer into a fresh model and returns the log line naming the source.
   */
  private String load(String yaml, HostModel model) throws IOException {
    try (CapturedLogs logs = CapturedLogs.of(StateDictLoader.class)) {
      initializer(yaml).initialize(model);
      return String.join("\n", logs.at("INFO"));
    }
  }

  @ParameterizedTest(name = "torch.save: {0}")
  @ValueSource(booleans = {false, true})
  void noethersBestCheckpointsAreSelectedByTheirTag(boolean pytorch) throws IOException {
    write(pytorch, "py-run", "train");

    HostModel best = sameArchitecture();
    String log =
        load(
            "kind: previous-run\nrun_id: py-run\nmodel_name: mlp\ncheckpoint_tag: best_model.loss.online.total",
            best);
    HostModel tolerance = sameArchitecture();
    load(
        "kind: previous-run\nrun_id: py-run\nmodel_name: mlp\ncheckpoint_tag: best_model.loss.online.total.tolerance=5",
        tolerance);

    assertHasWeights(best, weights(6));
    assertThat(log)
        .contains(
            "from run 'py-run' stage 'train' checkpoint best_model.loss.online.total @ E1_U10_S320"
                + " (mlp_cp=best_model.loss.online.total_model.th)");
    assertHasWeights(tolerance, weights(7));
  }

  @ParameterizedTest(name = "checkpoint_tag {0} selects version {1}")
  @CsvSource({
    "best.loss/online/total, 6",
    "best_model.loss/online/total, 6",
    "best_model.loss.online.total.tolerance5, 7",
    "latest, 2",
    "E1, 1"
  })
  void everySpellingOfABestTagFindsNoethersFile(String tag, int version) throws IOException {
    write(false, "py-run", "train");
    HostModel model = sameArchitecture();

    load("kind: previous-run\nrun_id: py-run\nmodel_name: mlp\ncheckpoint_tag: " + tag, model);

    assertHasWeights(model, weights(version));
  }

  @ParameterizedTest(name = "torch.save: {0}")
  @ValueSource(booleans = {false, true})
  void aRunTrainedWithoutAStageIsItsOwnOnlyStage(boolean pytorch) throws IOException {
    write(pytorch, "py-flat", null);

    HostModel leftOut = sameArchitecture();
    String log = load("kind: previous-run\nrun_id: py-flat\nmodel_name: mlp", leftOut);
    HostModel empty = sameArchitecture();
    load(
        "kind: previous-run\nrun_id: py-flat\nmodel_name: mlp\nstage_name: \"\"\ncheckpoint_tag: best_model.loss.online.total",
        empty);

    assertHasWeights(leftOut, weights(2));
    assertThat(log)
        .contains(
            "from run 'py-flat' (no stage) checkpoint latest @ E2_U20_S640 (mlp_cp=latest_model.th)");
    assertHasWeights(empty, weights(6));
  }

  @Test
  void aRunWithAndWithoutStageAsksWhichAndSaysHowToNameTheStageless() throws IOException {
    write(false, "py-mixed", null);
    write(false, "py-mixed", "finetune");

    assertThatThrownBy(
            () ->
                initializer("kind: previous-run\nrun_id: py-mixed\nmodel_name: mlp")
                    .initialize(sameArchitecture()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "model.initializers[0] (previous-run): run 'py-mixed' has 2 stages: (no stage), finetune; choose one"
                + " with stage_name (stage_name: \"\" for the checkpoints directly in py-mixed/checkpoints)");
  }

  @ParameterizedTest(name = "torch.save: {0}")
  @ValueSource(booleans = {false, true})
  void emaWeightsAreFoundUnderTheDocumentedAndTheWrittenSpelling(boolean pytorch)
      throws IOException {
    write(pytorch, "py-run", "train");

    HostModel documented = sameArchitecture();
    String log =
        load(
            "kind: previous-run\nrun_id: py-run\nmodel_name: mlp\nmodel_info: ema_factor=0.9999",
            documented);
    HostModel written = sameArchitecture();
    load("kind: previous-run\nrun_id: py-run\nmodel_name: mlp\nmodel_info: ema=0.9999", written);

    assertHasWeights(documented, weights(3));
    assertThat(log).contains("checkpoint latest @ E2_U20_S640 (mlp_ema=0.9999_cp=latest_model.th)");
    assertHasWeights(written, weights(3));
  }
}
