package ai.noether.callbacks.report;

import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.logger.LoggerContext;
import ai.noether.api.logger.MetricLogger;
import ai.noether.callbacks.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the stage's {@link HtmlReport} when training ends, finished or interrupted, after the
 * final (or emergency) checkpoint is committed, so the page lists it. The page is rendered from the
 * trainer's history, which is what {@code history.jsonl} holds, so {@code noether report} renders
 * the same page later. Replaced atomically: a reader never sees half a page.
 *
 * <p>It keeps nothing between calls; metrics arrive through the history at {@code finish}.
 */
public final class HtmlReportLogger implements MetricLogger {
  private static final Logger LOG = LoggerFactory.getLogger(HtmlReportLogger.class);

  private final String fileName;

  /** A logger writing {@code <stage_dir>/<fileName>}. */
  public HtmlReportLogger(String fileName) {
    this.fileName = fileName;
  }

  @Override
  public void log(TrainingIteration iteration, Map<String, Double> metrics) {
    // The report is drawn from the whole history at the end.
  }

  @Override
  public void finish(LoggerContext context) {
    Path file = context.stageDir().resolve(fileName);
    RunReport report =
        new RunReport(context.stage(), context.history(), context.resumes(), context.checkpoints());
    write(report, file);
    LOG.info("run report: {}", file);
  }

  /** Renders and atomically writes a report. */
  static void write(RunReport report, Path file) {
    String html = HtmlReport.render(report);
    try {
      AtomicFiles.replace(file, out -> out.write(html));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write the run report " + file + ": " + e.getMessage(), e);
    }
  }
}
