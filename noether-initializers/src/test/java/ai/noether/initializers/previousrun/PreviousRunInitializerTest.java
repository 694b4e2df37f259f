package ai.noether.initializers.previousrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.init.Initializer;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.model.StateDictMismatchException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.initializers.CapturedLogs;
import ai.noether.initializers.HostModel;
import ai.noether.initializers.InitializerYaml;
import ai.noether.initializers.mapping.StateDictLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreviousRunInitializerTest {
  static final StageId PRETRAIN = new StageId("r1", "pretrain");
  static final TrainingIteration E1 = new TrainingIteration(1, 10, 320);
  static final TrainingIteration E2 = new TrainingIteration(2, 20, 640);

  @TempDir Path outputDir;
  FileCheckpointStore store;

  /**
   * Run r1, stage pretrain, model mlp: periodic checkpoints at E1 and E2 (latest), best.loss/valid
   * at E1, and EMA weights (ema=0.9999) next to the E2 weights.
   */
  @BeforeEach
  void writeAPretrainingRun() throws IOException {
    store = FileCheckpointStore.open(outputDir);
    commit(
        PRETRAIN, CheckpointTag.at(E1), E1, Set.of(), new ModelSnapshot("mlp", null, weights(1)));
    commit(
        PRETRAIN,
        CheckpointTag.best("loss/valid"),
        E1,
        Set.of(),
        new ModelSnapshot("mlp", null, weights(1)));
    commit(
        PRETRAIN,
        CheckpointTag.at(E2),
        E2,
        Set.of(CheckpointTag.LATEST),
        new ModelSnapshot("mlp", null, weights(2)),
        new ModelSnapshot("mlp", "ema=0.9999", weights(3)));
  }

  /** The pretrained model's weights; every value tells which version {@code k} it belongs to. */
  static Map<String, HostTensor> weights(int k) {
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("layers.0.weight", tensor(k, 0, 4, 3));
    w.put("layers.0.bias", tensor(k, 1, 4));
    w.put("head.weight", tensor(k, 2, 2, 4));
    w.put("head.bias", tensor(k, 3, 2));
    return w;
  }

  static HostTensor tensor(int version, int index, long... shape) {
    int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = version * 100 + index * 10 + i * 0.25f;
    }
    return HostTensor.ofFloats(shape, v);
  }

  void commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration it,
      Set<CheckpointTag> aliases,
      ModelSnapshot... models)
      throws IOException {
    CheckpointContents contents = new CheckpointContents(stage, ThFormat.encoder());
    store.commit(
        stage, tag, it, contents.models(tag, it, List.of(models), Map.of(), Map.of()), aliases);
  }

  /** A model with the pretrained model's keys and shapes. */
  static HostModel sameArchitecture() {
    return HostModel.named("mlp")
        .with("layers.0.weight", 4, 3)
        .with("layers.0.bias", 4)
        .with("head.weight", 2, 4)
        .with("head.bias", 2);
  }

  /** The same body with a head for five classes instead of two. */
  static HostModel newHead() {
    return HostModel.named("classifier")
        .with("layers.0.weight", 4, 3)
        .with("layers.0.bias", 4)
        .with("head.weight", 5, 4)
        .with("head.bias", 5);
  }

  Initializer initializer(String yaml) {
    return InitializerYaml.create(outputDir, store, yaml);
  }

  static void assertHasWeights(HostModel model, Map<String, HostTensor> expected) {
    expected.forEach((k, v) -> assertThat(model.values(k)).as(k).containsExactly(v.toFloatArray()));
  }

  @Test
  void loadsTheLatestCheckpointOfTheRunsOnlyStageByDefault() throws IOException {
    HostModel model = sameArchitecture();

    LoadReport report = initializer("kind: previous-run\nrun_id: r1").initialize(model);

    assertHasWeights(model, weights(2));
    assertThat(report.loaded())
        .containsExactly("layers.0.weight", "layers.0.bias", "head.weight", "head.bias");
    assertThat(report.isExact()).isTrue();
  }

  @Test
  void loadsTheBestCheckpointOfAMetric() throws IOException {
    HostModel model = sameArchitecture();

    initializer(
            "kind: previous-run\nrun_id: r1\nstage_name: pretrain\ncheckpoint_tag: best.loss/valid")
        .initialize(model);

    assertHasWeights(model, weights(1));
  }

  @ParameterizedTest(name = "checkpoint_tag {0} selects version {1}")
  @CsvSource({"E1, 1", "U20, 2", "S320, 1", "E2_U20_S640, 2", "latest, 2"})
  void selectsACheckpointByEpochUpdateSampleOrFullIteration(String tag, int version)
      throws IOException {
    HostModel model = sameArchitecture();

    initializer("kind: previous-run\nrun_id: r1\ncheckpoint_tag: " + tag).initialize(model);

    assertHasWeights(model, weights(version));
  }

  @Test
  void loadsAnEmergencyCheckpointByItsTag() throws IOException {
    TrainingIteration at = new TrainingIteration(2, 25, 800);
    commit(
        PRETRAIN,
        CheckpointTag.emergency(at, "signal"),
        at,
        Set.of(),
        new ModelSnapshot("mlp", null, weights(7)));
    HostModel model = sameArchitecture();

    initializer("kind: previous-run\nrun_id: r1\ncheckpoint_tag: E2_U25_S800.signal")
        .initialize(model);

    assertHasWeights(model, weights(7));
  }

  @Test
  void loadsTheEmaWeightsNamedByModelInfo() throws IOException {
    HostModel model = sameArchitecture();

    initializer("kind: previous-run\nrun_id: r1\nmodel_info: ema=0.9999").initialize(model);

    assertHasWeights(model, weights(3));
  }

  @Test
  void loadsModelInfoWithAnUnderscoreAsNoetherInPythonWritesIt() throws IOException {
    // Noether (Python) keeps no manifest: its files are just there, named
    // ..._ema_factor=0.9999_cp=...
    Path checkpoints = Files.createDirectories(outputDir.resolve("py-run/train/checkpoints"));
    ThFormat.write(
        checkpoints.resolve("mlp_cp=E5_U50_S1600_model.th"), Map.of("state_dict", weights(4)));
    ThFormat.write(
        checkpoints.resolve("mlp_ema_factor=0.9999_cp=E5_U50_S1600_model.th"),
        Map.of("state_dict", weights(5)));
    HostModel model = sameArchitecture();

    initializer(
            "kind: previous-run\nrun_id: py-run\ncheckpoint_tag: E5\nmodel_info: ema_factor=0.9999")
        .initialize(model);

    assertHasWeights(model, weights(5));
  }

  @Test
  void fineTuningWithANewHeadCopiesTheBodyAndKeepsTheFreshHead() throws IOException {
    HostModel model = newHead();
    Map<String, float[]> fresh = model.allValues();

    LoadReport report;
    try (CapturedLogs logs = CapturedLogs.of(StateDictLoader.class)) {
      report =
          initializer(
                  """
          kind: previous-run
          run_id: r1
          model_name: mlp
          model_info: ema=0.9999
          patterns_to_keep_initialized: ["head.*"]
          """)
              .initialize(model);

      assertThat(logs.at("INFO"))
          .singleElement()
          .asString()
          .isEqualTo(
              "model.initializers[0]: copied 2 of 4 weights into 'classifier' from run 'r1' stage 'pretrain'"
                  + " checkpoint latest @ E2_U20_S640 (mlp_ema=0.9999_cp=latest_model.th), after keeping 2 keys fresh;"
                  + " copied: layers.0.weight, layers.0.bias; kept fresh: head.weight, head.bias");
    }

    assertThat(report.loaded()).containsExactly("layers.0.weight", "layers.0.bias");
    assertThat(report.missing()).isEmpty();
    assertThat(report.unexpected()).isEmpty();
    assertThat(report.mismatched()).isEmpty();
    assertThat(model.values("layers.0.weight"))
        .containsExactly(weights(3).get("layers.0.weight").toFloatArray());
    assertThat(model.values("layers.0.bias"))
        .containsExactly(weights(3).get("layers.0.bias").toFloatArray());
    assertThat(model.values("head.weight")).containsExactly(fresh.get("head.weight"));
    assertThat(model.values("head.bias")).containsExactly(fresh.get("head.bias"));
  }

  @Test
  void renamesStoredKeysWithPatternsAppliedInOrder() throws IOException {
    HostModel model =
        HostModel.named("mlp")
            .with("encoder.block0.weight", 4, 3)
            .with("encoder.block0.bias", 4)
            .with("classifier.weight", 2, 4)
            .with("classifier.bias", 2);

    LoadReport report =
        initializer(
                """
        kind: previous-run
        run_id: r1
        patterns_to_rename:
          - {from: '^layers\\.(\\d+)\\.', to: 'body.block$1.'}
          - {from: '^body\\.', to: 'encoder.'}
          - {from: '^head\\.', to: 'classifier.'}
        """)
            .initialize(model);

    assertThat(report.loaded())
        .containsExactly(
            "encoder.block0.weight", "encoder.block0.bias", "classifier.weight", "classifier.bias");
    assertThat(model.values("encoder.block0.weight"))
        .containsExactly(weights(2).get("layers.0.weight").toFloatArray());
    assertThat(model.values("classifier.bias"))
        .containsExactly(weights(2).get("head.bias").toFloatArray());
  }

  @Test
  void removesStoredKeysMatchingAGlobBeforeLoading() throws IOException {
    HostModel bodyOnly =
        HostModel.named("mlp").with("layers.0.weight", 4, 3).with("layers.0.bias", 4);

    LoadReport report =
        initializer("kind: previous-run\nrun_id: r1\nkeys_to_remove: [\"head.*\"]")
            .initialize(bodyOnly);

    assertThat(report.loaded()).containsExactly("layers.0.weight", "layers.0.bias");
    assertThat(report.isExact()).isTrue();
    assertThat(bodyOnly.values("layers.0.bias"))
        .containsExactly(weights(2).get("layers.0.bias").toFloatArray());
  }

  @Test
  void aPatternThatMatchesNothingIsLoggedAsALikelyTypo() throws IOException {
    try (CapturedLogs logs = CapturedLogs.of(StateDictLoader.class)) {
      initializer("kind: previous-run\nrun_id: r1\nkeys_to_remove: [\"decoder.*\"]")
          .initialize(sameArchitecture());

      assertThat(logs.at("WARN"))
          .containsExactly(
              "model.initializers[0]: keys_to_remove 'decoder.*' matches no stored key");
    }
  }

  @Test
  void aStrictMismatchListsMissingUnexpectedAndMismatchedKeysInOneErrorAndCopiesNothing() {
    HostModel model =
        HostModel.named("mlp")
            .with("encoder.0.weight", 4, 3)
            .with("encoder.0.bias", 4)
            .with("norm.weight", 4)
            .with("head.weight", 5, 4);
    Map<String, float[]> before = model.allValues();

    assertThatThrownBy(
            () ->
                initializer(
                        """
        kind: previous-run
        run_id: r1
        keys_to_remove: ["layers.0.bias"]
        patterns_to_rename: [{from: '^layers\\.', to: 'encoder.'}]
        """)
                    .initialize(model))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessage(
            "state dict does not match model 'mlp' (model.initializers[0]: run 'r1' stage 'pretrain' checkpoint"
                + " latest @ E2_U20_S640 (mlp_cp=latest_model.th), after removing 1 key and renaming 1):\n"
                + "  missing keys (in the model, not in the state dict): [encoder.0.bias, norm.weight]\n"
                + "  unexpected keys (in the state dict, not in the model): [head.bias]\n"
                + "  shape mismatch for head.weight: model float32[5, 4], state dict float32[2, 4]\n"
                + "Use strict: false to load the matching keys only, or rename keys with patterns_to_rename.");
    assertThat(model.allValues())
        .allSatisfy((k, v) -> assertThat(v).as(k).containsExactly(before.get(k)));
  }

  @Test
  void withStrictFalseTheMatchingKeysAreCopiedAndTheRestReported() throws IOException {
    HostModel model = newHead();
    Map<String, float[]> fresh = model.allValues();

    LoadReport report =
        initializer("kind: previous-run\nrun_id: r1\nmodel_name: mlp\nstrict: false")
            .initialize(model);

    assertThat(report.loaded()).containsExactly("layers.0.weight", "layers.0.bias");
    assertThat(report.mismatched())
        .extracting(LoadReport.Mismatch::key)
        .containsExactly("head.weight", "head.bias");
    assertThat(model.values("layers.0.weight"))
        .containsExactly(weights(2).get("layers.0.weight").toFloatArray());
    assertThat(model.values("head.weight")).containsExactly(fresh.get("head.weight"));
  }

  @Test
  void aLenientLoadThatCopiesNothingFails() {
    HostModel model = HostModel.named("mlp").with("other.weight", 3);

    assertThatThrownBy(
            () -> initializer("kind: previous-run\nrun_id: r1\nstrict: false").initialize(model))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("not a single key could be copied")
        .hasMessageContaining("missing keys (in the model, not in the state dict): [other.weight]");
  }

  @Test
  void anUnknownRunListsTheRunsThatExist() throws IOException {
    commit(
        new StageId("r2", "train"),
        CheckpointTag.at(E1),
        E1,
        Set.of(),
        new ModelSnapshot("mlp", null, weights(1)));

    assertThatThrownBy(
            () -> initializer("kind: previous-run\nrun_id: r3").initialize(sameArchitecture()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "model.initializers[0] (previous-run): run 'r3' does not exist in output_dir "
                + outputDir
                + "; runs there: r1, r2");
  }

  @Test
  void anUnknownStageListsTheStagesOfTheRun() {
    assertThatThrownBy(
            () ->
                initializer("kind: previous-run\nrun_id: r1\nstage_name: finetune")
                    .initialize(sameArchitecture()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageStartingWith(
            "model.initializers[0] (previous-run): run 'r1' has no stage 'finetune'; its stages: pretrain");
  }

  @Test
  void withoutStageNameARunWithSeveralStagesListsThem() throws IOException {
    commit(
        new StageId("r1", "extra"),
        CheckpointTag.at(E1),
        E1,
        Set.of(),
        new ModelSnapshot("mlp", null, weights(1)));

    assertThatThrownBy(
            () -> initializer("kind: previous-run\nrun_id: r1").initialize(sameArchitecture()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "model.initializers[0] (previous-run): run 'r1' has 2 stages: extra, pretrain; choose one with"
                + " stage_name");
  }

  @Test
  void withoutStageNameTheStageBeingTrainedDoesNotCountInItsOwnRun() throws IOException {
    // This run (finetune) already has its stage 'train' directory; its earlier stage is the only
    // candidate.
    commit(
        new StageId("finetune", "pretrain"),
        CheckpointTag.at(E1),
        E1,
        Set.of(CheckpointTag.LATEST),
        new ModelSnapshot("mlp", null, weights(6)));
    Files.createDirectories(outputDir.resolve("finetune/train/checkpoints"));
    HostModel model = sameArchitecture();

    initializer("kind: previous-run\nrun_id: finetune").initialize(model);

    assertHasWeights(model, weights(6));
  }

  @Test
  void anUnknownCheckpointTagListsTheCheckpointsOfTheStage() {
    assertThatThrownBy(
            () ->
                initializer("kind: previous-run\nrun_id: r1\ncheckpoint_tag: best.accuracy")
                    .initialize(sameArchitecture()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageStartingWith(
            "model.initializers[0] (previous-run): no checkpoint 'best.accuracy' in run 'r1' stage"
                + " 'pretrain'")
        .hasMessageEndingWith(
            "Its checkpoints: E1_U10_S320, best.loss~valid @ E1_U10_S320, E2_U20_S640,"
                + " latest @ E2_U20_S640.");
  }

  @Test
  void aMissingModelInfoListsTheFilesOfTheCheckpoint() {
    assertThatThrownBy(
            () ->
                initializer("kind: previous-run\nrun_id: r1\nmodel_info: ema=0.99")
                    .initialize(sameArchitecture()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "model.initializers[0] (previous-run): checkpoint latest @ E2_U20_S640 of r1/pretrain has no model"
                + " file for 'mlp_ema=0.99'; its model files: mlp_cp=latest_model.th, mlp_ema=0.9999_cp=latest_model.th");
  }

  @Test
  void aModelSavedUnderAnotherNameIsFoundWithModelName() {
    assertThatThrownBy(() -> initializer("kind: previous-run\nrun_id: r1").initialize(newHead()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessage(
            "model.initializers[0] (previous-run): checkpoint latest @ E2_U20_S640 of r1/pretrain has no model"
                + " file for 'classifier' (model_name defaults to this model's name; set it to the name the weights were"
                + " saved under); its model files: mlp_cp=latest_model.th, mlp_ema=0.9999_cp=latest_model.th");
  }

  @Test
  void outputDirFindsARunOutsideThisRunsOutputDir(@TempDir Path otherOutputDir) throws IOException {
    HostModel model = sameArchitecture();
    Initializer initializer =
        InitializerYaml.create(
            otherOutputDir,
            FileCheckpointStore.open(otherOutputDir),
            "kind: previous-run\nrun_id: r1\noutput_dir: " + outputDir);

    initializer.initialize(model);

    assertHasWeights(model, weights(2));
  }

  @Test
  void keysAreCheckedWhenTheConfigurationIsBound() {
    assertThatThrownBy(() -> initializer("kind: previous-run\nstage_name: pretrain"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.initializers[0]: run_id is required");
    assertThatThrownBy(() -> initializer("kind: previous-run\nrun_id: ../r1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.initializers[0]: run_id: run id '../r1' starts with '.'");
    assertThatThrownBy(() -> initializer("kind: previous-run\nrun_id: r1\ncheckpoint_tag: newest"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "checkpoint_tag: 'newest' selects no checkpoint; use latest, last, best.<metric>");
    assertThatThrownBy(() -> initializer("kind: previous-run\nrun_id: r1\nmodel_info: ema"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model_info 'ema' must have the form key=value");
    assertThatThrownBy(() -> initializer("kind: previous-run\nrun_id: r1\ncheckpoint: latest"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checkpoint_tag");
    assertThatThrownBy(
            () ->
                initializer(
                    "kind: previous-run\nrun_id: r1\npatterns_to_rename: [{from: '(a', to: b}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "model.initializers[0].patterns_to_rename[0]: from '(a' is not a valid regular expression");
  }
}
