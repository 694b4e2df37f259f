package ai.noether.examples.javaapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.noether.api.tensor.HostTensor;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.RunLauncher;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.java.LoadedModel;
import ai.noether.java.ModelCheckpoint;
import ai.noether.java.Noether;
import ai.noether.java.NoetherConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference applies the scaler the training saved: a run on CSV files whose three features have
 * very different offsets and spreads, with a standard scaler on them. Predictions from Java, from
 * {@code noether predict --input} and from {@code --split} are those of a forward pass computed
 * here by hand on values scaled by hand with the saved {@code scaler_params}; {@code evaluate}
 * gives the validation loss the training logged for the same checkpoint; and when the training data
 * change after training, inference still uses the saved parameters (a refit would change every
 * prediction).
 */
class ScaledInferenceTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final String YAML =
      """
      seed: 11
      store: {kind: file, fsync: false}
      dataset:
        kind: table
        train: DATA/train.csv
        valid: DATA/valid.csv
        test: DATA/test.csv
        cache_dir: DATA/cache
        fields: {x: [a, b, c], y: [y]}
        scaler: {kind: standard, fields: [x]}
      model: {name: net, kind: mlp, input_size: 3, hidden_sizes: [8], output_size: 1}
      optimizer: {kind: adamw, lr: 0.02}
      trainer:
        kind: supervised
        max_epochs: 3
        batch_size: 16
        eval_every_n_epochs: 1
        inputs: [x]
        targets: {y: {loss: mse}}
        callbacks:
          - {kind: checkpoint, every_n_epochs: 1}
          - {kind: ema, target_factors: [0.9], evaluate: true}
      """;

  @TempDir static Path dir;
  static Noether noether;

  @BeforeAll
  static void train() throws Exception {
    noether = Noether.create(REGISTRY, dir);
    for (String run : List.of("scaled", "changing")) {
      Path data = Files.createDirectories(dir.resolve(run + "-data"));
      writeSplit(data.resolve("train.csv"), 96, 1);
      writeSplit(data.resolve("valid.csv"), 32, 2);
      writeSplit(data.resolve("test.csv"), 24, 3);
      noether.train(
          NoetherConfig.fromYaml(YAML.replace("DATA", data.toString()))
              .set("output_dir", dir.resolve("runs").toString())
              .set("run_id", run));
    }
    Path data = Files.createDirectories(dir.resolve("conditioned-data"));
    writeSplit(data.resolve("train.csv"), 96, 4);
    writeSplit(data.resolve("valid.csv"), 32, 5);
    writeSplit(data.resolve("test.csv"), 24, 6);
    noether.train(
        NoetherConfig.fromYaml(
                YAML.replace("DATA", data.toString())
                    .replace(
                        "fields: {x: [a, b, c], y: [y]}", "fields: {x: [a, b, c], op: op, y: [y]}")
                    .replace(
                        "scaler: {kind: standard, fields: [x]}",
                        "scaler: {kind: standard, fields: [x], condition_field: op}"))
            .set("output_dir", dir.resolve("runs").toString())
            .set("run_id", "conditioned"));
  }

  /**
   * Features a ~ N(100, 20), b ~ N(-5, 0.1), c ~ N(0, 1000), a shifted by 300 in operating
   * condition {@code op} 1; y depends on each standardised one.
   */
  static void writeSplit(Path file, int n, long seed) throws Exception {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("a,b,c,op,y\n");
    for (int i = 0; i < n; i++) {
      int op = i % 2;
      double a = 100 + 300 * op + 20 * random.nextGaussian();
      double b = -5 + 0.1 * random.nextGaussian();
      double c = 1000 * random.nextGaussian();
      double y =
          (a - 100 - 300 * op) / 20
              - 2 * (b + 5) / 0.1
              + 0.5 * c / 1000
              + 0.05 * random.nextGaussian();
      csv.append(String.format(Locale.ROOT, "%.4f,%.5f,%.2f,%d,%.5f%n", a, b, c, op, y));
    }
    Files.writeString(file, csv);
  }

  static float[][] features(Path csv) throws Exception {
    List<float[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
      String[] cells = line.split(",");
      rows.add(
          new float[] {
            Float.parseFloat(cells[0]), Float.parseFloat(cells[1]), Float.parseFloat(cells[2])
          });
    }
    return rows.toArray(new float[0][]);
  }

  /** {@code noether predict RUN --output-dir runs OPTIONS...}: status, output and errors. */
  static String[] predict(String run, String... options) {
    List<String> args = new ArrayList<>(List.of("predict", run, "--output-dir", "runs"));
    args.addAll(List.of(options));
    return cli(args.toArray(String[]::new));
  }

  static String[] cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, RunLauncher.unavailable(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  /** The saved parameters, scaled by hand: (x - mean) / std per channel, as in training. */
  @SuppressWarnings("unchecked")
  static float[][] scaleByHand(LoadedModel model, float[][] rows) {
    Map<String, Object> x =
        (Map<String, Object>)
            ((Map<String, Object>) model.scalerParams().orElseThrow().get("fields")).get("x");
    List<Number> mean = (List<Number>) x.get("mean");
    List<Number> std = (List<Number>) x.get("std");
    float[][] out = new float[rows.length][3];
    for (int i = 0; i < rows.length; i++) {
      for (int c = 0; c < 3; c++) {
        out[i][c] = (float) ((rows[i][c] - mean.get(c).doubleValue()) / std.get(c).doubleValue());
      }
    }
    return out;
  }

  /** The mlp's forward pass computed here: Linear, ReLU, Linear, from the model's own weights. */
  static double[] forwardByHand(LoadedModel model, float[][] scaled) {
    Map<String, HostTensor> weights = model.model().stateDict();
    assertThat(weights)
        .as("the mlp's parameters")
        .containsKeys("layers.0.weight", "layers.2.weight");
    float[] w0 = weights.get("layers.0.weight").toFloatArray();
    float[] b0 = weights.get("layers.0.bias").toFloatArray();
    float[] w1 = weights.get("layers.2.weight").toFloatArray();
    float[] b1 = weights.get("layers.2.bias").toFloatArray();
    double[] out = new double[scaled.length];
    for (int i = 0; i < scaled.length; i++) {
      double y = b1[0];
      for (int h = 0; h < 8; h++) {
        double z = b0[h];
        for (int c = 0; c < 3; c++) {
          z += w0[h * 3 + c] * scaled[i][c];
        }
        y += w1[h] * Math.max(0, z);
      }
      out[i] = y;
    }
    return out;
  }

  static List<Float> column(Path csv, int index) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    List<Float> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      out.add(Float.parseFloat(line.split(",")[index]));
    }
    return out;
  }

  @Test
  void javaAndTheCommandLinePredictWhatScalingByHandWithTheSavedParametersAndAForwardPassGive()
      throws Exception {
    Path data = dir.resolve("scaled-data");
    float[][] raw = features(data.resolve("test.csv"));
    Files.writeString(
        dir.resolve("x.csv"),
        String.join(
                "\n",
                Files.readAllLines(data.resolve("test.csv")).stream()
                    .map(l -> String.join(",", List.of(l.split(",")).subList(0, 3)))
                    .toList())
            + "\n");

    String[] file =
        predict("scaled", "--checkpoint", "last", "--input", "x.csv", "--output", "from-file.csv");
    String[] split =
        predict("scaled", "--checkpoint", "last", "--split", "test", "--output", "from-split.csv");
    String[] unscaled =
        predict(
            "scaled",
            "--checkpoint",
            "last",
            "--input",
            "x.csv",
            "--no-scaling",
            "--output",
            "raw.csv");

    assertThat(file[0]).as(file[2]).isEqualTo("0");
    assertThat(file[1])
        .contains("wrote 24 predictions")
        .contains("(inputs scaled with the saved scaler_params)");
    assertThat(split[0]).as(split[2]).isEqualTo("0");
    assertThat(Files.readAllLines(dir.resolve("from-split.csv")).get(0))
        .isEqualTo("index,output,y");
    assertThat(unscaled[0]).as(unscaled[2]).isEqualTo("0");
    try (LoadedModel model =
        noether.load(ModelCheckpoint.of(dir.resolve("runs"), "scaled").checkpoint("last"))) {
      assertThat(model.inputFields()).containsExactly("x");
      float[][] scaled = scaleByHand(model, raw);
      double[] byHand = forwardByHand(model, scaled);
      float[][] predicted = model.predict(raw);
      float[][] raw2 = model.predictRaw(scaled);
      HostTensor tensor =
          model.predict(HostTensor.ofFloats(new long[] {raw.length, 3}, flatten(raw)));
      List<Float> cliFile = column(dir.resolve("from-file.csv"), 1);
      List<Float> cliSplit = column(dir.resolve("from-split.csv"), 1);
      List<Float> cliUnscaled = column(dir.resolve("raw.csv"), 1);
      for (int i = 0; i < raw.length; i++) {
        assertThat((double) predicted[i][0]).as("row " + i).isCloseTo(byHand[i], within(1e-4));
        assertThat(raw2[i][0]).as("row " + i).isCloseTo(predicted[i][0], within(1e-5f));
        assertThat(tensor.toFloatArray()[i]).isEqualTo(predicted[i][0]);
        assertThat(cliFile.get(i)).as("row " + i).isEqualTo(predicted[i][0]);
        assertThat(cliSplit.get(i)).as("row " + i).isCloseTo(predicted[i][0], within(1e-4f));
      }
      // Without the scaler the same rows give other predictions: scaling is not a no-op here.
      assertThat(cliUnscaled.get(0))
          .isEqualTo(model.predictRaw(raw)[0][0])
          .isNotCloseTo(predicted[0][0], within(0.1f));
    }
  }

  @Test
  void evaluateGivesTheValidationLossesTheTrainingLoggedForTheSameCheckpointWithAndWithoutEma()
      throws Exception {
    ModelCheckpoint e2 = ModelCheckpoint.of(dir.resolve("runs"), "scaled").checkpoint("E2");
    double logged = logged("scaled", "E2_U12_S192", "loss/valid/total");
    double loggedEma = logged("scaled", "E2_U12_S192", "loss/valid/total/ema=0.9");

    Map<String, Map<String, Double>> evaluated =
        noether.evaluate(e2, "valid", List.of("", "ema=0.9")).metrics();
    String[] r =
        cli("evaluate", "scaled", "--output-dir", "runs", "--checkpoint", "E2", "--split", "valid");

    assertThat(evaluated.get("").get("loss/valid/total")).isCloseTo(logged, within(1e-5));
    assertThat(evaluated.get("ema=0.9").get("loss/valid/total")).isCloseTo(loggedEma, within(1e-5));
    assertThat(noether.evaluate(e2.modelInfo("ema=0.9"), "valid").get("loss/valid/total"))
        .as("the EMA model file alone carries the scaler too")
        .isCloseTo(loggedEma, within(1e-5));
    assertThat(logged).isNotCloseTo(loggedEma, within(1e-6));
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .containsPattern(
            "loss/valid/total +"
                + format(evaluated.get("").get("loss/valid/total"))
                + " +"
                + format(evaluated.get("ema=0.9").get("loss/valid/total")));
  }

  static String format(double value) {
    return String.format(Locale.ROOT, "%.6g", value).replace(".", "\\.");
  }

  @Test
  void afterTheTrainingDataChangeInferenceStillUsesTheSavedParametersNeverARefit()
      throws Exception {
    Path data = dir.resolve("changing-data");
    ModelCheckpoint last = ModelCheckpoint.of(dir.resolve("runs"), "changing").checkpoint("last");
    String[] before = predict("changing", "--split", "test", "--output", "before.csv");
    assertThat(before[0]).as(before[2]).isEqualTo("0");
    double logged = logged("changing", "E3_U18_S288", "loss/valid/total");
    // Other training data: shifted and stretched, so a refitted scaler would have other parameters.
    List<String> lines = Files.readAllLines(data.resolve("train.csv"));
    StringBuilder changed = new StringBuilder(lines.get(0)).append('\n');
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      changed.append(
          String.format(
              Locale.ROOT,
              "%.4f,%.5f,%.2f,%s,%s%n",
              3 * Double.parseDouble(c[0]) + 50,
              Double.parseDouble(c[1]) * 2,
              Double.parseDouble(c[2]) + 4000,
              c[3],
              c[4]));
    }
    Files.writeString(data.resolve("train.csv"), changed);

    String[] after = predict("changing", "--split", "test", "--output", "after.csv");
    double evaluated = noether.evaluate(last, "valid").get("loss/valid/total");

    assertThat(after[0]).as(after[2]).isEqualTo("0");
    assertThat(Files.readAllLines(dir.resolve("after.csv")))
        .isEqualTo(Files.readAllLines(dir.resolve("before.csv")));
    assertThat(evaluated).isCloseTo(logged, within(1e-5));
    try (LoadedModel model = noether.load(last)) {
      double[] byHand =
          forwardByHand(model, scaleByHand(model, features(data.resolve("test.csv"))));
      List<Float> written = column(dir.resolve("after.csv"), 1);
      for (int i = 0; i < byHand.length; i++) {
        assertThat((double) written.get(i)).as("row " + i).isCloseTo(byHand[i], within(1e-4));
      }
    }
  }

  @Test
  void
      aScalerPerOperatingConditionScalesJavaInputsWithTheirConditionsAndAnInputFileSaysWhatItNeeds()
          throws Exception {
    Path test = dir.resolve("conditioned-data/test.csv");
    float[][] raw = features(test);
    float[] op = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      op[i] = Float.parseFloat(Files.readAllLines(test).get(i + 1).split(",")[3]);
    }
    Files.writeString(dir.resolve("xc.csv"), "1,2,3\n");

    String[] split = predict("conditioned", "--split", "test", "--output", "cond.csv");
    String[] file = predict("conditioned", "--input", "xc.csv", "--output", "c.csv");

    assertThat(split[0]).as(split[2]).isEqualTo("0");
    assertThat(file[0]).isEqualTo("2");
    assertThat(file[2])
        .contains(
            "the checkpoint's scaler normalises 'x' per operating condition (condition_field 'op'),"
                + " which --input files do not carry")
        .contains("--no-scaling")
        .doesNotContain("\tat ");
    try (LoadedModel model = noether.load(ModelCheckpoint.of(dir.resolve("runs"), "conditioned"))) {
      HostTensor x = HostTensor.ofFloats(new long[] {raw.length, 3}, flatten(raw));
      HostTensor predicted = model.predict(x, HostTensor.ofFloats(new long[] {raw.length}, op));
      List<Float> written = column(dir.resolve("cond.csv"), 1);
      for (int i = 0; i < raw.length; i++) {
        assertThat(written.get(i))
            .as("row " + i)
            .isCloseTo(predicted.toFloatArray()[i], within(1e-4f));
      }
      assertThatThrownBy(() -> model.predict(x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("condition_field 'op'")
          .hasMessageContaining("predict(input, conditions)");
    }
  }

  @Test
  void inputsThatDoNotFitAreClearErrors() throws Exception {
    Files.writeString(dir.resolve("two.csv"), "1,2\n3,4\n");
    String[] narrow = predict("scaled", "--input", "two.csv", "--output", "p.csv");
    String[] noScalingSplit =
        predict("scaled", "--split", "test", "--no-scaling", "--output", "p.csv");
    String[] field =
        predict("scaled", "--split", "test", "--input-field", "features", "--output", "p.csv");

    assertThat(narrow[0]).as(narrow[1] + narrow[2]).isEqualTo("2");
    assertThat(narrow[2])
        .contains("two.csv has 2 values per row, but the model takes 3 values per sample")
        .doesNotContain("\tat ");
    assertThat(noScalingSplit[0]).isEqualTo("2");
    assertThat(noScalingSplit[2]).contains("--no-scaling applies to --input files");
    assertThat(field[0]).as(field[2]).isEqualTo("2");
    assertThat(field[2])
        .contains("--input-field features: the test split has no such field; its fields are x, y");
    assertThat(dir.resolve("p.csv"))
        .as("no output file is left behind by a mistake")
        .doesNotExist();
    try (LoadedModel model = noether.load(ModelCheckpoint.of(dir.resolve("runs"), "scaled"))) {
      HostTensor rows = HostTensor.ofFloats(new long[] {1, 3}, 100f, -5f, 0f);
      assertThatThrownBy(() -> model.predictAll(Map.of("features", rows)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "the model takes the fields [x] and the saved scaler normalises 'x'");
      assertThatThrownBy(() -> model.predict(new float[][] {{1f, 2f, 3f, 4f}}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fitted on 3 channels");
    }
  }

  /** A metric as the training logged it in history.jsonl at {@code iteration}. */
  static double logged(String run, String iteration, String key) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Double found = null;
    for (String line :
        Files.readAllLines(dir.resolve("runs").resolve(run).resolve("train/history.jsonl"))) {
      JsonNode node = json.readTree(line);
      String at =
          "E"
              + node.path("epoch").asLong()
              + "_U"
              + node.path("update").asLong()
              + "_S"
              + node.path("sample").asLong();
      if (at.equals(iteration) && node.path("metrics").has(key)) {
        found = node.path("metrics").get(key).asDouble();
      }
    }
    assertThat(found).as(key + " at " + iteration + " in the history").isNotNull();
    return found;
  }

  static float[] flatten(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
    }
    return out;
  }
}
