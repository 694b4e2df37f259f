package ai.noether.callbacks.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.cli.StatusLines;
import ai.noether.testkit.RecordingTrainingContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressCallbackTest {
  @TempDir Path dir;
  private final AtomicLong nanos = new AtomicLong();

  /** Runs updates 1..n, each taking 100 ms on the fake clock, with a falling training loss. */
  private void train(ProgressCallback callback, RecordingTrainingContext context, int n) {
    callback.beforeTraining(context);
    for (long u = 1; u <= n; u++) {
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
      context.at(u / 10, u, u * 16);
      context.log(Map.of("loss/train/total", 1.0 / u));
      callback.afterUpdate(context);
    }
    callback.afterTraining(context);
  }

  @Test
  void withoutATerminalItLogsATenthOfTheRunAtATimeAndAtTheEnd() {
    List<String> lines = new ArrayList<>();
    ProgressCallback callback =
        new ProgressCallback(
            new ProgressCallbackConfig(null, null, null, null), null, lines::add, nanos::get);

    train(callback, RecordingTrainingContext.of(dir).totalUpdates(100), 100);

    assertThat(lines).hasSize(11);
    assertThat(lines.get(0)).isEqualTo("E1_U10_S160 | 10% of 100 updates | ETA 0:00:09");
    assertThat(lines.get(10)).isEqualTo("finished E10_U100_S1600: 100 updates in 0:00:10");
  }

  @Test
  void logLinesSayOnlyWhatTheTrainersLinesDoNotAndWriteTheIterationAsTheyDo() {
    List<String> lines = new ArrayList<>();
    ProgressCallback callback =
        new ProgressCallback(
            new ProgressCallbackConfig(null, null, null, null), null, lines::add, nanos::get);

    train(callback, RecordingTrainingContext.of(dir).totalUpdates(100), 100);

    // The trainer logs "E1_U10_S160 | loss ... | lr ... | ... samples/s": no second loss or speed
    // in another format.
    assertThat(lines)
        .allSatisfy(
            l ->
                assertThat(l)
                    .doesNotContain("loss")
                    .doesNotContain("/s")
                    .doesNotContainPattern("E\\d+ U\\d+"));
  }

  @Test
  void onTheCommandLinesStatusLineLogLinesPrintOnAClearedLineAndTheBarComesBackBelowThem()
      throws Exception {
    java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
    ai.noether.core.cli.StatusLine status = StatusLines.over(screen);
    java.io.PrintStream log = new java.io.PrintStream(StatusLines.stream(status, screen), true);
    ProgressCallback callback =
        new ProgressCallback(
            new ProgressCallbackConfig(null, null, null, null), status, nanos::get);
    RecordingTrainingContext context = RecordingTrainingContext.of(dir).totalUpdates(40);

    callback.beforeTraining(context);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    context.at(0, 1, 16);
    callback.afterUpdate(context);
    log.println("12:00:00.000 INFO  Trainer - E0_U1_S16 | loss 1");
    callback.afterTraining(context);

    String bar = "[" + "-".repeat(30) + "] E0 U1/40 3% | 10 updates/s | ETA 0:00:04";
    assertThat(screen.toString())
        .isEqualTo(
            "\r\u001b[K"
                + bar
                + "\r\u001b[K"
                + "12:00:00.000 INFO  Trainer - E0_U1_S16 | loss 1\n"
                + "\r\u001b[K"
                + bar
                + "\r\u001b[K"
                + bar
                + "\n");
  }

  @Test
  void aConfiguredIntervalSetsTheLogLines() {
    List<String> lines = new ArrayList<>();
    ProgressCallback callback =
        new ProgressCallback(
            new ProgressCallbackConfig(null, 25L, null, null), null, lines::add, nanos::get);

    train(callback, RecordingTrainingContext.of(dir).totalUpdates(100), 100);

    assertThat(lines).hasSize(5);
  }

  @Test
  void onATerminalItRedrawsABarInPlaceAtMostFiveTimesASecond() {
    StringWriter out = new StringWriter();
    List<String> lines = new ArrayList<>();
    ProgressCallback callback =
        new ProgressCallback(
            new ProgressCallbackConfig(null, null, null, null),
            new PrintWriter(out),
            lines::add,
            nanos::get);

    train(callback, RecordingTrainingContext.of(dir).totalUpdates(40), 40);

    String screen = out.toString();
    // 40 updates of 100 ms: drawn at update 1, then every 200 ms (updates 3, 5, ..., 39), then at
    // the end.
    assertThat(screen.split("\r", -1)).hasSize(1 + 20 + 1);
    assertThat(screen)
        .contains("[" + "#".repeat(15) + "-".repeat(15) + "] E2 U21/40 53%")
        .endsWith(
            "["
                + "#".repeat(30)
                + "] E4 U40/40 100% | loss 0.0250000 | 10 updates/s | ETA 0:00:00   "
                + System.lineSeparator());
    assertThat(lines).isEmpty();
  }

  @Test
  void partsThatAreUnknownAreLeftOut() {
    assertThat(ProgressLine.describe(new TrainingIteration(0, 5, 50), -1, 0, null))
        .isEqualTo("E0 U5");
    assertThat(ProgressLine.duration(3725)).isEqualTo("1:02:05");
    assertThat(ProgressLine.bar(0)).isEqualTo("[" + "-".repeat(30) + "]");
  }

  @Test
  void theSpeedCountsOnlyUpdatesOfThisProcessAfterAResume() {
    List<String> lines = new ArrayList<>();
    ProgressCallback callback =
        new ProgressCallback(
            new ProgressCallbackConfig(null, 10L, null, null), null, lines::add, nanos::get);
    RecordingTrainingContext context =
        RecordingTrainingContext.of(dir).totalUpdates(200).at(5, 100, 1600);
    callback.beforeTraining(context);

    for (long u = 101; u <= 110; u++) {
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
      context.at(u / 20, u, u * 16);
      callback.afterUpdate(context);
    }

    assertThat(lines).containsExactly("E5_U110_S1760 | 55% of 200 updates | ETA 0:00:45");
  }
}
