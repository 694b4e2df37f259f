package ai.noether.examples.javaapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.ConfigException;
import ai.noether.api.data.FieldDataset;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.TrainingLauncher;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.java.Evaluation;
import ai.noether.java.LoadedModel;
import ai.noether.java.ModelCheckpoint;
import ai.noether.java.Noether;
import ai.noether.java.NoetherConfig;
import ai.noether.java.TrainingSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API on a real trained run, checked against the command line: training from code, from
 * YAML text and from a file gives one and the same run; a checkpoint loaded in one call predicts
 * what {@code noether predict} writes, and its predictions give the metrics {@code noether
 * evaluate} prints, for the trained and the EMA weights.
 */
class JavaApiTest {
  static final String YAML =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 96, valid_samples: 32, test_samples: 40, input_size: 4, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 4, hidden_sizes: [8], output_size: 1}
      optimizer: {kind: adamw, lr: 0.01}
      trainer:
        max_epochs: 3
        batch_size: 16
        loss: mse
        eval_every_n_epochs: 1
        callbacks:
          - {kind: checkpoint, every_n_epochs: 1}
          - {kind: ema, target_factors: [0.9]}
          - {kind: best-checkpoint, metric_key: loss/valid/total}
      """;
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  @TempDir static Path dir;
  static Noether noether;
  static TrainingSummary fromText;

  @BeforeAll
  static void train() {
    noether = Noether.create(REGISTRY, dir);
    fromText =
        noether.train(
            NoetherConfig.fromYaml(YAML)
                .set("output_dir", dir.resolve("runs").toString())
                .set("run_id", "text"));
  }

  static String[] cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, TrainingLauncher.withoutSignalHandlers(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  @Test
  void trainingReturnsTheFinalIterationTheLastMetricsAndTheCheckpointTags() {
    assertThat(fromText.runId()).isEqualTo("text");
    assertThat(fromText.stageName()).isEqualTo("train");
    assertThat(fromText.iteration()).isEqualTo("E3_U18_S288");
    assertThat(fromText.updates()).isEqualTo(18);
    assertThat(fromText.metrics()).containsKey("loss/valid/total");
    assertThat(fromText.checkpoints())
        .contains("E1_U6_S96", "E3_U18_S288", "latest", "last", "best.loss~valid~total");
    assertThat(fromText.finalCheckpoint()).isEqualTo("E3_U18_S288");
    assertThat(fromText.interrupted()).isFalse();
  }

  @Test
  void aConfigurationBuiltInCodeOrReadFromAFileTrainsTheSameRunAsTheYamlText() throws Exception {
    Path file = Files.writeString(dir.resolve("run.yaml"), YAML);
    TrainingSummary fromFile =
        noether.train(file, "output_dir=" + dir.resolve("runs"), "run_id=file");
    NoetherConfig code =
        NoetherConfig.create()
            .set("output_dir", dir.resolve("runs").toString())
            .set("run_id", "code")
            .set("seed", 5)
            .set("store", Map.of("kind", "file", "fsync", false))
            .set(
                "dataset",
                Map.of(
                    "kind",
                    "synthetic-regression",
                    "train_samples",
                    96,
                    "valid_samples",
                    32,
                    "test_samples",
                    40,
                    "input_size",
                    4,
                    "noise",
                    0.05,
                    "data_seed",
                    3))
            .set("model.name", "net")
            .set("model.kind", "mlp")
            .set("model.input_size", 4)
            .set("model.hidden_sizes", List.of(8))
            .set("model.output_size", 1)
            .set("optimizer.kind", "adamw")
            .set("optimizer.lr", 0.01)
            .set("trainer.max_epochs", 3)
            .set("trainer.batch_size", 16)
            .set("trainer.loss", "mse")
            .set("trainer.eval_every_n_epochs", 1)
            .set(
                "trainer.callbacks",
                List.of(
                    Map.of("kind", "checkpoint", "every_n_epochs", 1),
                    Map.of("kind", "ema", "target_factors", List.of(0.9)),
                    Map.of("kind", "best-checkpoint", "metric_key", "loss/valid/total")));
    TrainingSummary fromCode = noether.train(code);

    assertThat(fromFile.metrics()).isEqualTo(fromText.metrics());
    assertThat(fromCode.metrics()).isEqualTo(fromText.metrics());
    try (LoadedModel a = noether.load(fromText.checkpoint("last"));
        LoadedModel b = noether.load(fromCode.checkpoint("last"))) {
      a.model()
          .stateDict()
          .forEach(
              (k, v) -> assertThat(v.contentEquals(b.model().stateDict().get(k))).as(k).isTrue());
    }
  }

  @Test
  void aLoadedCheckpointPredictsWhatTheCommandLineWritesForTheTestSplit() throws Exception {
    String[] r =
        cli(
            "predict",
            "text",
            "--output-dir",
            "runs",
            "--checkpoint",
            "best.loss~valid~total",
            "--split",
            "test",
            "--output",
            "test.csv");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("wrote 40 predictions of text/train@best.loss~valid~total on the test split");
    List<String> lines = Files.readAllLines(dir.resolve("test.csv"));
    assertThat(lines.get(0)).isEqualTo("index,output,targets");
    assertThat(lines).hasSize(41);

    ModelCheckpoint best =
        ModelCheckpoint.of(dir.resolve("runs"), "text").checkpoint("best.loss~valid~total");
    FieldDataset test = noether.dataset(best, "test");
    float[][] rows = LoadedModel.rows(test.gather("features", range(40)));
    try (LoadedModel model = noether.load(best)) {
      assertThat(model.tag()).isEqualTo("best.loss~valid~total");
      assertThat(model.extras()).containsKeys("feature_mean", "feature_std");
      float[][] predicted = model.predict(rows);
      for (int i = 0; i < 40; i++) {
        String[] cells = lines.get(i + 1).split(",");
        assertThat(Integer.parseInt(cells[0])).isEqualTo(i);
        assertThat(Float.parseFloat(cells[1])).as("row " + i).isEqualTo(predicted[i][0]);
      }
    }
  }

  @Test
  void predictionsGiveTheLossThatEvaluatePrintsForTheTrainedAndTheEmaWeights() throws Exception {
    ModelCheckpoint last = ModelCheckpoint.of(dir.resolve("runs"), "text").checkpoint("last");
    FieldDataset test = noether.dataset(last, "test");
    float[][] x = LoadedModel.rows(test.gather("features", range(40)));
    float[][] y = LoadedModel.rows(test.gather("targets", range(40)));
    assertThat(noether.variants(last)).containsExactly("", "ema=0.9");

    Evaluation evaluation = noether.evaluate(last, "test", List.of("", "ema=0.9"));
    String[] r =
        cli(
            "evaluate",
            "text",
            "--output-dir",
            "runs",
            "--checkpoint",
            "last",
            "--output",
            "eval.json");

    assertThat(r[0]).as(r[2]).isEqualTo("0");
    for (String variant : List.of("", "ema=0.9")) {
      try (LoadedModel model = noether.load(last.modelInfo(variant.isEmpty() ? null : variant))) {
        float[][] p = model.predict(x);
        double mse = 0;
        for (int i = 0; i < 40; i++) {
          mse += (p[i][0] - y[i][0]) * (double) (p[i][0] - y[i][0]) / 40;
        }
        assertThat(evaluation.metrics().get(variant).get("loss/test/total"))
            .as(variant)
            .isCloseTo(mse, within(1e-5));
      }
    }
    double trained = evaluation.metrics().get("").get("loss/test/total");
    double ema = evaluation.metrics().get("ema=0.9").get("loss/test/total");
    assertThat(trained).isNotEqualTo(ema);
    assertThat(r[1])
        .contains("evaluation of text/train@last on the test split (40 samples)")
        .containsPattern("metric +weights +ema=0.9")
        .containsPattern(
            "loss/test/total +"
                + String.format(java.util.Locale.ROOT, "%.6g", trained).replace(".", "\\.")
                + " +"
                + String.format(java.util.Locale.ROOT, "%.6g", ema).replace(".", "\\."));
    assertThat(Files.readString(dir.resolve("eval.json")))
        .contains("\"split\" : \"test\"")
        .contains("\"ema=0.9\"")
        .contains(Double.toString(trained));
  }

  @Test
  void aModelFileLoadsOnItsOwnAndACsvOfFeaturesPredictsAsArraysDo() throws Exception {
    Path checkpoints = dir.resolve("runs/text/train/checkpoints");
    float[][] rows = {{0.1f, -0.2f, 0.3f, 1.5f}, {-1f, 0f, 2f, 0.25f}};
    Files.writeString(dir.resolve("features.csv"), "a,b,c,d\n0.1,-0.2,0.3,1.5\n-1,0,2,0.25\n");

    String[] r =
        cli(
            "predict",
            "text",
            "--output-dir",
            "runs",
            "--model-info",
            "ema=0.9",
            "--checkpoint",
            "last",
            "--input",
            "features.csv",
            "--output",
            "p.jsonl");

    assertThat(r[0]).as(r[2]).isEqualTo("0");
    try (LoadedModel byRun =
            noether.load(
                ModelCheckpoint.of(dir.resolve("runs"), "text")
                    .checkpoint("last")
                    .modelInfo("ema=0.9"));
        LoadedModel byFile =
            noether.load(
                ModelCheckpoint.file(checkpoints.resolve("net_ema=0.9_cp=last_model.th")))) {
      float[][] a = byRun.predict(rows);
      assertThat(byFile.predict(rows)).isDeepEqualTo(a);
      assertThat(byFile.modelInfo()).isEqualTo("ema=0.9");
      assertThat(byFile.iteration()).isEqualTo("E3_U18_S288");
      List<String> lines = Files.readAllLines(dir.resolve("p.jsonl"));
      assertThat(lines)
          .containsExactly(
              "{\"index\":0,\"output\":[" + a[0][0] + "]}",
              "{\"index\":1,\"output\":[" + a[1][0] + "]}");
    }
  }

  @Test
  void aMissingTagSplitOrVariantOrAFileThatIsNotACheckpointIsAClearError() throws Exception {
    ModelCheckpoint run = ModelCheckpoint.of(dir.resolve("runs"), "text");
    Files.writeString(dir.resolve("notes.th"), "not a checkpoint\n");

    assertThatThrownBy(() -> noether.load(run.checkpoint("E9")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--checkpoint E9")
        .hasMessageContaining("E3_U18_S288");
    assertThatThrownBy(() -> noether.load(run.modelInfo("ema=0.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no model file for --model-info ema=0.5")
        .hasMessageContaining("--model-info ema=0.9");
    assertThatThrownBy(() -> noether.load(ModelCheckpoint.file(dir.resolve("notes.th"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not a checkpoint: it holds text");

    String[] tag =
        cli(
            "predict",
            "text",
            "--output-dir",
            "runs",
            "--checkpoint",
            "best.nope",
            "--split",
            "test",
            "--output",
            "x.csv");
    String[] split = cli("evaluate", "text", "--output-dir", "runs", "--split", "holdout");
    String[] run404 = cli("evaluate", "nope", "--output-dir", "runs");
    assertThat(tag[0]).isEqualTo("2");
    assertThat(tag[2])
        .contains("--checkpoint best.nope")
        .contains("best.loss~valid~total")
        .doesNotContain("\tat ");
    assertThat(split[0]).isEqualTo("2");
    assertThat(split[2]).contains("unknown split 'holdout'; the splits are train, valid and test");
    assertThat(run404[0]).isEqualTo("2");
    assertThat(run404[2]).contains("nope").contains("text");
  }

  @Test
  void inspectShowsARealModelFileWithItsExtrasAndATrainerFileWithItsConfiguration() {
    Path checkpoints = dir.resolve("runs/text/train/checkpoints");
    String[] model =
        cli("inspect", checkpoints.resolve("net_cp=best.loss~valid~total_model.th").toString());
    String[] trainer = cli("inspect", checkpoints.resolve("net_cp=last_trainer.th").toString());
    String[] optim = cli("inspect", checkpoints.resolve("net_cp=last_optim.th").toString());

    assertThat(model[0]).as(model[2]).isEqualTo("0");
    assertThat(model[1])
        .contains("model weights (4 tensors, 49 values")
        .containsPattern("checkpoint_tag: +best.loss~valid~total")
        .containsPattern("layers.0.weight: +float32 \\[8, 4]")
        .containsPattern("feature_mean: +float32 \\[4]")
        .contains("run_id: ")
        .contains("text");
    assertThat(trainer[1])
        .contains("trainer state")
        .containsPattern("training_iteration: +E3_U18_S288")
        .contains("config:\n")
        .contains("kind: synthetic-regression");
    assertThat(optim[0]).isEqualTo("0");
    assertThat(optim[1]).contains("optimizer state").contains("param_groups");
  }

  static long[] range(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
