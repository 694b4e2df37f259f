package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user reads: the output of real {@code noether} processes with the distribution's own
 * logging configuration ({@code src/main/resources/logback.xml}), once piped as in a job log and
 * once on a pseudo-terminal ({@code script}) where the progress bar is drawn.
 */
class CommandOutputTest {
  private static final String CONFIG =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 160, valid_samples: 32, input_size: 4, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 4, hidden_sizes: [16], output_size: 1}
      optimizer: {kind: adamw, lr: 3.0e-3}
      trainer:
        max_epochs: 3
        batch_size: 16
        loss: mse
        eval_every_n_epochs: 1
        log_every_n_updates: 10
        callbacks:
          - {kind: checkpoint, every_n_updates: 10, keep_last: 1}
          - {kind: ema, target_factors: [0.9], evaluate: true}
          - {kind: best-checkpoint, metric_key: loss/valid/total}
          - {kind: progress, every_n_updates: 10}
      """;
  private static final Path LOGBACK = Path.of("src/main/resources/logback.xml").toAbsolutePath();

  /**
   * A decimal number such as {@code 0.2948506474494934} (not a time such as {@code 07:06:01.121}).
   */
  private static final Pattern DECIMAL = Pattern.compile("(?<![\\d:.])\\d+\\.\\d+(?![\\d.])");

  @TempDir static Path dir;
  static String trained;
  static String resumed;

  @BeforeAll
  static void trainAndResume() throws Exception {
    Files.writeString(dir.resolve("run.yaml"), CONFIG);
    trained = noether(false, "train", "run.yaml", "run_id=out", "--interrupt-at-update", "15");
    resumed = noether(false, "resume", "out", "trainer.max_epochs=4");
  }

  @Test
  void aCpuBuildDoesNotPrintDjlsCudaDriverWarnings() {
    assertThat(trained + resumed)
        .doesNotContain("CudaUtils")
        .doesNotContain("Failed to detect GPU count");
  }

  @Test
  void everyMetricValueHasAtMostSixSignificantDigits() {
    List<String> longNumbers = new ArrayList<>();
    Matcher m = DECIMAL.matcher(trained + resumed);
    while (m.find()) {
      String digits = m.group().replace(".", "").replaceFirst("^0+", "");
      if (digits.length() > 6) {
        longNumbers.add(m.group());
      }
    }
    assertThat(longNumbers).as(trained).isEmpty();
    assertThat(trained).containsPattern("new best loss/valid/total = \\d\\.\\d{1,5}(e-\\d+)? at ");
  }

  @Test
  void theEvaluationLineShowsTheEmaMetricsToo() {
    assertThat(trained)
        .containsPattern(
            "evaluation loss/valid/total=[0-9.e-]+, loss/valid/total/ema=0.9=[0-9.e-]+");
  }

  @Test
  void sizesAreInUnitsThatFitThem() {
    assertThat(trained)
        .containsPattern("saved checkpoint \\S+ \\(\\d+\\.\\d KB in \\d+ ms\\)")
        .doesNotContain("0.0 MB");
  }

  @Test
  void progressLinesDoNotRepeatTheTrainersLossAndSpeedInAnotherFormat() {
    List<String> progress = lines(resumed, "ProgressCallback");
    assertThat(progress)
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).doesNotContain("loss").doesNotContain("updates/s"));
    assertThat(progress)
        .anySatisfy(
            l -> assertThat(l).containsPattern("E\\d+_U\\d+_S\\d+ \\| \\d+% of 40 updates"));
  }

  @Test
  void aResumeSaysOnceWhereItContinuesFromAndAnInterruptionOnceHowToContinue() {
    assertThat(count(resumed, "resuming out/train")).as(resumed).isEqualTo(1);
    assertThat(resumed).contains("resuming out/train from out/train@latest");
    assertThat(count(trained, "noether resume out")).as(trained).isEqualTo(1);
  }

  @Test
  void deletionsAreReportedOnlyForCheckpointsThatExisted() {
    // keep_last: 1 deletes the previous periodic checkpoint at every save; a resume restores the
    // deletions scheduled before the interruption, long done by then.
    assertThat(resumed).doesNotContain("deleting periodic checkpoint");
    assertThat(lines(resumed, "deleted checkpoint")).isNotEmpty();
  }

  @Test
  void onATerminalLogLinesNeverLandInTheMiddleOfTheProgressBar() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) for a pseudo-terminal");
    String screen = noether(true, "train", "run.yaml", "run_id=tty");

    assertThat(screen).contains("[##############################] E3 U30/30 100%");
    // Every log line starts on a cleared line: right after "\r\e[K" or a newline, never after bar
    // text.
    Matcher logLine = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN)").matcher(screen);
    int checked = 0;
    while (logLine.find()) {
      if (logLine.start() == 0) {
        continue; // before the bar was first drawn
      }
      String before = screen.substring(Math.max(0, logLine.start() - 4), logLine.start());
      assertThat(before)
          .as("before the log line at %d of:%n%s", logLine.start(), screen)
          .matches("(?s).*(\r\u001b\\[K|\n)");
      checked++;
    }
    assertThat(checked).isGreaterThan(3);
  }

  private static String noether(boolean terminal, String... args)
      throws IOException, InterruptedException {
    List<String> java =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dlogback.configurationFile=" + LOGBACK,
                "-cp",
                System.getProperty("java.class.path"),
                NoetherCli.class.getName()));
    java.addAll(List.of(args));
    List<String> command = java;
    if (terminal) {
      // script runs the command on a pseudo-terminal and copies what it shows.
      command =
          List.of(
              "script",
              "-qfec",
              String.join(" ", java.stream().map(CommandOutputTest::quote).toList()),
              "/dev/null");
    }
    Path log = Files.createTempFile(dir, "noether", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "noether " + String.join(" ", args) + " did not finish:\n" + Files.readString(log));
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static List<String> lines(String output, String containing) {
    try (Stream<String> lines = output.lines()) {
      return lines.filter(l -> l.contains(containing)).toList();
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
