package ai.noether.examples.turbofan;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.RunLauncher;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.java.LoadedModel;
import ai.noether.java.ModelCheckpoint;
import ai.noether.java.Noether;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled turbofan example ({@code configs/turbofan-rul.yaml}, unchanged but for a few
 * overrides that make it short) end to end on a small simulated fleet: a run interrupted after an
 * update and resumed ends with the same weights, bit for bit, as a run that was never interrupted;
 * the test-evaluation callback scores the best and best-EMA weights on the test engines and leaves
 * the trained weights in place; and {@code noether evaluate} and {@code noether predict --split
 * test} give one RUL per test engine.
 */
class TurbofanExampleTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final Path CONFIG = Path.of("configs/turbofan-rul.yaml").toAbsolutePath();
  static final int TEST_UNITS = 5;

  @TempDir static Path dir;
  static String[] uninterrupted;
  static String[] interrupted;
  static String[] resumed;

  static String[] cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, RunLauncher.fromClassPath(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(status), out.toString(), err.toString()};
  }

  static String[] train(String runId, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                CONFIG.toString(),
                "run_id=" + runId,
                "output_dir=" + dir.resolve("runs"),
                "dataset.data_dir=" + dir.resolve("fleet"),
                "trainer.max_epochs=3",
                "trainer.batch_size=64"));
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  @BeforeAll
  static void trainTwice() throws Exception {
    new TurbofanFleet(new TurbofanFleet.Settings("FD001", 8, TEST_UNITS, 1, 128, 170, 11))
        .write(dir.resolve("fleet"));
    uninterrupted = train("whole");
    // Without the test-evaluation callback (index 4): the same final weights then also prove that
    // the callback put the trained weights back after evaluating the best checkpoint's EMA weights.
    interrupted = train("cut", "trainer.callbacks[4]=null", "--interrupt-at-update", "5");
    resumed = cli("resume", "cut", "--output-dir", dir.resolve("runs").toString());
  }

  @Test
  void anInterruptedAndResumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
    assertThat(Files.readString(dir.resolve("runs/cut/train/config.yaml")))
        .doesNotContain("test-evaluation");
    assertThat(uninterrupted[0]).as(uninterrupted[2]).isEqualTo("0");
    assertThat(interrupted[0])
        .as(interrupted[2])
        .isEqualTo(Integer.toString(NoetherCli.INTERRUPTED));
    assertThat(resumed[0]).as(resumed[2]).isEqualTo("0");
    Noether noether = Noether.create(REGISTRY, dir);
    for (String modelInfo : new String[] {null, "ema=0.99"}) {
      ModelCheckpoint a = ModelCheckpoint.of(dir.resolve("runs"), "whole").checkpoint("last");
      ModelCheckpoint b = ModelCheckpoint.of(dir.resolve("runs"), "cut").checkpoint("last");
      if (modelInfo != null) {
        a = a.modelInfo(modelInfo);
        b = b.modelInfo(modelInfo);
      }
      try (LoadedModel x = noether.load(a);
          LoadedModel y = noether.load(b)) {
        assertThat(x.model().stateDict()).isNotEmpty();
        x.model()
            .stateDict()
            .forEach(
                (k, v) ->
                    assertThat(v.contentEquals(y.model().stateDict().get(k)))
                        .as("%s %s", modelInfo, k)
                        .isTrue());
      }
    }
  }

  @Test
  void theBestAndBestEmaWeightsAreScoredOnTheTestEnginesAtTheEndOfTraining() throws Exception {
    assertThat(resumed[0]).as(resumed[2]).isEqualTo("0");
    JsonNode whole =
        new ObjectMapper().readTree(dir.resolve("runs/whole/train/test-metrics.json").toFile());
    assertThat(whole).hasSize(2);
    assertThat(whole.get(0).get("checkpoint").asText()).isEqualTo("best.rmse~valid~rul");
    assertThat(whole.get(0).get("model_info").isNull()).isTrue();
    assertThat(whole.get(1).get("model_info").asText()).isEqualTo("ema=0.99");
    for (JsonNode entry : whole) {
      assertThat(entry.get("split").asText()).isEqualTo("test");
      assertThat(entry.get("metrics").get("rmse/test/rul").asDouble()).isPositive();
      assertThat(entry.get("metrics").has("nasa_score/test/rul")).isTrue();
    }
    // The plain and the EMA weights are different models, so they score differently.
    assertThat(whole.get(0).get("metrics").get("rmse/test/rul").asDouble())
        .isNotEqualTo(whole.get(1).get("metrics").get("rmse/test/rul").asDouble());
    assertThat(dir.resolve("runs/cut/train/test-metrics.json")).doesNotExist();
    String history = Files.readString(dir.resolve("runs/whole/train/history.jsonl"));
    assertThat(history).contains("\"rmse/test/rul\"").contains("\"rmse/test/rul/ema=0.99\"");
  }

  @Test
  void evaluateAndPredictGiveOneRulPerTestEngine() throws Exception {
    String[] eval =
        cli(
            "evaluate",
            "cut",
            "--output-dir",
            "runs",
            "--checkpoint",
            "best.rmse~valid~rul",
            "--split",
            "test");
    assertThat(eval[0]).as(eval[2]).isEqualTo("0");
    assertThat(eval[1]).contains("rmse/test/rul").contains("nasa_score/test/rul");

    String[] predict =
        cli(
            "predict",
            "cut",
            "--output-dir",
            "runs",
            "--checkpoint",
            "best.rmse~valid~rul",
            "--split",
            "test",
            "--input-field",
            "x",
            "--output",
            "rul.csv");
    assertThat(predict[0]).as(predict[2]).isEqualTo("0");
    List<String> lines = Files.readAllLines(dir.resolve("rul.csv"));
    assertThat(lines.get(0)).contains("rul");
    assertThat(lines).hasSize(TEST_UNITS + 1);
  }
}
