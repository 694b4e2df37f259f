package ai.noether.callbacks.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.ResumePoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Pins the page {@link HtmlReport} renders byte for byte: the expected files were written by the
 * renderer as it was before it was split into classes, so any change to the markup, the CSS, the
 * number formats or the chart geometry shows up here. To change the page on purpose, regenerate
 * them with {@code -Dnoether.report.write=<directory>} and review the difference.
 */
class HtmlReportTest {
  private static final StageId STAGE = new StageId("run-1", "pre.train");

  @Test
  void aRunWithMetricsResumesAndCheckpointsRendersTheSamePageAsBefore() throws IOException {
    assertRendersAs(richReport(), "expected-report.html");
  }

  @Test
  void aRunWithNothingLoggedRendersTheSamePageAsBefore() throws IOException {
    assertRendersAs(
        new RunReport(StageId.stageless("empty-run"), List.of(), List.of(), List.of()),
        "expected-empty-report.html");
  }

  @Test
  void aRunWithOneResumeAndNoCheckpointsRendersTheSamePageAsBefore() throws IOException {
    List<LoggedMetrics> events = new ArrayList<>();
    for (int u = 1; u <= 5; u++) {
      events.add(metrics(it(0, u), Map.of("accuracy/valid", 0.5)));
    }
    events.add(metrics(it(0, 6), Map.of("broken", Double.NaN)));
    assertRendersAs(
        new RunReport(STAGE, events, List.of(new ResumePoint(it(0, 3), "E0_U3_S96")), List.of()),
        "expected-one-resume-report.html");
  }

  private static void assertRendersAs(RunReport report, String expectedFile) throws IOException {
    String html = HtmlReport.render(report);
    String writeTo = System.getProperty("noether.report.write");
    if (writeTo != null) {
      Files.writeString(Path.of(writeTo, expectedFile), html);
    }
    assertThat(html).isEqualTo(resource(expectedFile));
  }

  private static RunReport richReport() {
    List<LoggedMetrics> events = new ArrayList<>();
    for (int u = 1; u <= 80; u++) {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("loss/train/total", 5.0 * Math.exp(-u / 9.0) + 0.01);
      m.put("lr", u < 10 ? 1e-3 * u / 10 : 1e-3);
      m.put("grad<norm>&\"'", u == 7 ? Double.POSITIVE_INFINITY : 0.25 + 0.001 * u);
      m.put("loss/train/aux", -0.5 + u * 0.0125);
      if (u % 20 == 0) {
        m.put("loss/valid/total", 3.0 * Math.exp(-u / 15.0));
        m.put("accuracy/test", 0.9);
        m.put("only/nan", Double.NaN);
        m.put("tiny", 3.5e-7 * u);
        m.put("big", 1.25e6 + u);
      }
      events.add(metrics(it(u / 40, u), m));
    }
    List<ResumePoint> resumes =
        List.of(
            new ResumePoint(it(0, 30), "latest @ E0_U30_S960"),
            new ResumePoint(it(1, 55), "s3://bucket/run \"a\"/E1_U55_S1760"));
    List<StoredCheckpoint> checkpoints =
        List.of(
            checkpoint(CheckpointTag.at(it(0, 40)), it(0, 40), 512, 3_000_000),
            checkpoint(CheckpointTag.emergency(it(1, 55), "signal"), it(1, 55), 2047, 1025),
            checkpoint(CheckpointTag.best("loss/valid/total"), it(1, 60), 70, 5L << 30),
            checkpoint(CheckpointTag.LATEST, it(1, 80), 1024, 3L << 40));
    return new RunReport(STAGE, events, resumes, checkpoints);
  }

  private static StoredCheckpoint checkpoint(
      CheckpointTag tag, TrainingIteration at, long trainerBytes, long modelBytes) {
    return new StoredCheckpoint(
        STAGE,
        tag,
        at,
        List.of(
            new StoredFile(
                CheckpointFileName.of("trainer", tag, CheckpointFileKind.TRAINER),
                trainerBytes,
                StoredFile.NO_CHECKSUM),
            new StoredFile(
                new CheckpointFileName("net", "ema=0.99", tag, CheckpointFileKind.MODEL),
                modelBytes,
                42)),
        Instant.parse("2026-01-02T03:04:05.678Z").plusSeconds(at.update()));
  }

  private static TrainingIteration it(long epoch, long update) {
    return new TrainingIteration(epoch, update, update * 32);
  }

  private static LoggedMetrics metrics(TrainingIteration at, Map<String, Double> values) {
    return new LoggedMetrics(at, values);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(
            HtmlReportTest.class.getResourceAsStream(name), () -> "test resource " + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
