package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code csv} and {@code html-report} loggers on real training processes: the quickstart for
 * four epochs with the gradient norm logged, trained once without interruption and once killed with
 * {@code kill -9} after rows past its newest checkpoint were written, then resumed. The resumed
 * run's CSV must equal the uninterrupted one byte for byte (so the rows past the checkpoint were
 * cut back, not repeated), its report must show the resume, {@code noether report} must write the
 * same page again, and headless Chromium must render the page's charts.
 */
class LoggersTest {
  static final Path QUICKSTART = Path.of("configs/quickstart.yaml").toAbsolutePath();
  static final List<String> VARIANT =
      List.of(
          "trainer.max_epochs=4",
          "trainer.log_every_n_updates=4",
          "trainer.callbacks[0].every_n_updates=64",
          "trainer.log_grad_norm=true",
          "trainer.loggers=[{kind: csv}, {kind: html-report}]");

  /** 4 epochs of 64 updates, a log line every 4 updates, an evaluation per epoch. */
  static final int TRAIN_ROWS = 64;

  static final int EVALUATIONS = 4;

  @TempDir static Path dir;
  static Path runs;
  static String killedCsvBeforeResume;
  static long resumedAt;

  @BeforeAll
  static void trainOnceWithoutAndOnceWithAKill() throws Exception {
    runs = dir.resolve("runs");
    try (NoetherProcess p = train("reference")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    }
    NoetherProcess p = train("killed");
    try {
      Path csv = stageDir("killed").resolve("metrics.csv");
      // Past the checkpoint at update 64 and well before the one at 128.
      p.awaitUpdate(stageDir("killed").resolve("history.jsonl"), 72);
      // The checkpoint at 64 is written in the background; kill once it is committed.
      Path latest = stageDir("killed").resolve("checkpoints/.noether/latest.manifest");
      long deadline = System.nanoTime() + NoetherProcess.PATIENCE.toNanos();
      while (!Files.exists(latest)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("no checkpoint was committed\n" + p.log());
        }
        Thread.sleep(2);
      }
      p.killHard();
      killedCsvBeforeResume = Files.readString(csv);
      resumedAt =
          FileCheckpointStore.open(runs)
              .resolve(new StageId("killed", "train"), CheckpointSelector.parse("latest"))
              .iteration()
              .update();
      p =
          NoetherProcess.start(
              dir, dir.resolve("noether.log"), "resume", "killed", "--output-dir", runs.toString());
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    } finally {
      p.close();
    }
  }

  static NoetherProcess train(String runId) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("train", QUICKSTART.toString(), "output_dir=" + runs, "run_id=" + runId));
    args.addAll(VARIANT);
    return NoetherProcess.start(dir, dir.resolve("noether.log"), args.toArray(String[]::new));
  }

  static Path stageDir(String runId) {
    return runs.resolve(runId).resolve("train");
  }

  @Test
  void theCsvOfAKilledAndResumedRunEqualsTheUninterruptedOne() throws IOException {
    List<Map<String, String>> killedRows = rows(killedCsvBeforeResume);
    assertThat(killedRows.stream().mapToLong(r -> Long.parseLong(r.get("update"))).max().orElse(0))
        .as(
            "the killed process wrote rows past the checkpoint it is resumed from (update %d)",
            resumedAt)
        .isGreaterThan(resumedAt);

    String reference = Files.readString(stageDir("reference").resolve("metrics.csv"));
    String resumed = Files.readString(stageDir("killed").resolve("metrics.csv"));
    assertThat(resumed).isEqualTo(reference);

    List<String> lines = reference.lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("epoch,update,sample,loss/train/total,grad_norm,lr,loss/valid/total");
    List<Map<String, String>> rows = rows(reference);
    assertThat(rows.stream().filter(r -> !r.get("loss/train/total").isEmpty())).hasSize(TRAIN_ROWS);
    assertThat(rows.stream().filter(r -> !r.get("loss/valid/total").isEmpty()))
        .hasSize(EVALUATIONS);
    assertThat(rows)
        .allSatisfy(
            r -> {
              if (!r.get("grad_norm").isEmpty()) {
                assertThat(Double.parseDouble(r.get("grad_norm"))).isPositive().isFinite();
              }
            });
    // The rows before the first evaluation were rewritten with the column it added: every row has
    // every cell.
    assertThat(lines).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(7));
    // The CSV holds what history.jsonl holds: the last training row's loss, bit for bit.
    Map<String, String> lastTrain =
        rows.stream()
            .filter(r -> !r.get("loss/train/total").isEmpty())
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(Files.readString(stageDir("reference").resolve("history.jsonl")))
        .contains("\"loss/train/total\":" + lastTrain.get("loss/train/total"));
  }

  @Test
  void theReportShowsTheResumeAndNoetherReportWritesTheSamePage() throws IOException {
    Path report = stageDir("killed").resolve("report.html");
    String atEndOfTraining = Files.readString(report);
    assertThat(atEndOfTraining)
        .contains("class=\"resume\"")
        .contains("resumed at <code>E1_U" + resumedAt + "_S");
    // Self-contained: nothing to fetch (the SVG namespace URI is a name, not a request).
    assertThat(atEndOfTraining)
        .doesNotContain("<script", "<link", "src=", "href=", "url(", "@import")
        .contains("<svg", "<style>");

    Files.delete(report);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli()
            .execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "report",
                "killed",
                "--output-dir",
                runs.toString());
    assertThat(status).as("%s", err).isEqualTo(NoetherCli.OK);
    assertThat(out.toString().strip()).isEqualTo(report.toString());
    assertThat(Files.readString(report)).isEqualTo(atEndOfTraining);

    Path elsewhere = dir.resolve("reports");
    assertThat(
            new NoetherCli()
                .execute(
                    new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter()),
                    "report",
                    "killed",
                    "--stage",
                    "train",
                    "--output-dir",
                    runs.toString(),
                    "--to",
                    elsewhere.toString()))
        .isEqualTo(NoetherCli.OK);
    assertThat(Files.readString(elsewhere.resolve("train.html"))).isEqualTo(atEndOfTraining);
    StringWriter noStage = new StringWriter();
    assertThat(
            new NoetherCli()
                .execute(
                    new PrintWriter(new StringWriter()),
                    new PrintWriter(noStage),
                    "report",
                    "killed",
                    "--stage",
                    "finetune",
                    "--output-dir",
                    runs.toString()))
        .isEqualTo(NoetherCli.USAGE);
    assertThat(noStage.toString()).contains("finetune").contains("with a history: train");

    StringWriter missing = new StringWriter();
    assertThat(
            new NoetherCli()
                .execute(
                    new PrintWriter(new StringWriter()),
                    new PrintWriter(missing),
                    "report",
                    "kiled",
                    "--output-dir",
                    runs.toString()))
        .isEqualTo(NoetherCli.USAGE);
    assertThat(missing.toString())
        .contains("run 'kiled' does not exist")
        .contains("killed, reference");
  }

  /**
   * pandas reads the file as its users expect: float columns, NaN for empty cells, exact values.
   */
  @Test
  void pandasReadsTheCsvWithFloatColumnsAndExactValues() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    boolean hasPandas =
        Files.isExecutable(python)
            && new ProcessBuilder(python.toString(), "-c", "import pandas").start().waitFor() == 0;
    if (!hasPandas) {
      System.err.println(
          "LoggersTest: SKIPPED the pandas check: /usr/bin/python3 has no pandas (apt-get install python3-pandas)");
    }
    assumeTrue(hasPandas, "no pandas in /usr/bin/python3");
    Path csv = stageDir("reference").resolve("metrics.csv");
    String script =
        String.join(
            "\n",
            "import sys, pandas as pd",
            // pandas' default parser may round the 17th digit; round_trip reads Java's digits
            // exactly.
            "df = pd.read_csv(sys.argv[1], float_precision='round_trip')",
            "assert all(str(df[c].dtype) == 'float64' for c in df.columns[3:]), df.dtypes",
            "t = df.dropna(subset=['loss/train/total'])",
            "v = df.dropna(subset=['loss/valid/total'])",
            "print(len(df.columns), len(t), len(v), repr(float(t['loss/train/total'].iloc[-1])), int(t['update'].iloc[-1]))");
    Process p =
        new ProcessBuilder(python.toString(), "-c", script, csv.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(printed).isZero();
    Map<String, String> lastTrain =
        rows(Files.readString(csv)).stream()
            .filter(r -> !r.get("loss/train/total").isEmpty())
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(printed)
        .isEqualTo(
            "7 "
                + TRAIN_ROWS
                + " "
                + EVALUATIONS
                + " "
                + Double.parseDouble(lastTrain.get("loss/train/total"))
                + " 256");
  }

  /**
   * Renders the report in headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs
   * it) and reads the charts back from the rendered DOM: one path per metric with as many points as
   * the CSV has values, the resume marker, and the checkpoint table's tags. The screenshot is kept
   * in {@code target/} for a look.
   */
  @Test
  void headlessChromiumRendersTheChartsAndTheCheckpointTable() throws Exception {
    String chromium = findChromium();
    if (chromium == null) {
      System.err.println(
          "LoggersTest: SKIPPED the Chromium rendering check: no chromium on PATH"
              + " (apt-get install chromium; .ci/run does)");
    }
    assumeTrue(chromium != null, "no chromium on PATH (apt-get install chromium)");
    Path report = stageDir("killed").resolve("report.html");
    String dom = runChromium(chromium, "--dump-dom", report.toUri().toString());

    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher series =
        Pattern.compile(
                "<path class=\"series\" data-key=\"([^\"]+)\" data-points=\"(\\d+)\"[^>]* d=\"([^\"]+)\"")
            .matcher(dom);
    while (series.find()) {
      int drawn = series.group(3).split(" L").length;
      assertThat(drawn)
          .as("points drawn for %s", series.group(1))
          .isEqualTo(Integer.parseInt(series.group(2)));
      counts.put(series.group(1), drawn);
    }
    assertThat(counts)
        .containsEntry("loss/train/total", TRAIN_ROWS)
        .containsEntry("loss/valid/total", EVALUATIONS)
        .containsEntry("grad_norm", TRAIN_ROWS)
        .containsEntry("lr", TRAIN_ROWS);
    assertThat(dom).contains("class=\"resume\"");
    Matcher tags = Pattern.compile("<td class=\"tag\"><code>([^<]+)</code>").matcher(dom);
    List<String> listed = new ArrayList<>();
    while (tags.find()) {
      listed.add(tags.group(1));
    }
    assertThat(listed).contains("latest", "last", "best.loss~valid~total", "E4_U256_S8192");

    Path png = Path.of("target", "loggers-report.png").toAbsolutePath();
    Files.deleteIfExists(png);
    runChromium(
        chromium,
        "--screenshot=" + png,
        "--window-size=1100,2200",
        "--hide-scrollbars",
        report.toUri().toString());
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(20_000);
  }

  static String findChromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name).toString();
        }
      }
    }
    return null;
  }

  static String runChromium(String chromium, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--no-first-run",
                "--user-data-dir=" + dir.resolve("chromium-profile")));
    command.addAll(Arrays.asList(args));
    Path output = Files.createTempFile(dir, "chromium", ".out");
    Path errors = Files.createTempFile(dir, "chromium", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + Files.readString(errors));
    }
    assertThat(p.exitValue()).as("chromium %s: %s", command, Files.readString(errors)).isZero();
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  /** The rows of a CSV whose fields hold no commas, by column name. */
  static List<Map<String, String>> rows(String csv) {
    List<String> lines = csv.lines().toList();
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], i < cells.length ? cells[i] : "");
      }
      rows.add(row);
    }
    return rows;
  }
}
