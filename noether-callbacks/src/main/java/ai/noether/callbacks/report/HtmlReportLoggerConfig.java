package ai.noether.callbacks.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of {@code kind: html-report}: a self-contained HTML page per stage with the metric
 * charts, the learning rate, the checkpoints and the lineage of resumes, written when training ends
 * (also when it is interrupted) and on demand by {@code noether report RUN_ID}.
 *
 * <pre>{@code
 * trainer:
 *   loggers:
 *     - kind: html-report
 *       file_name: report.html   # optional; the file in <stage_dir> (default report.html)
 * }</pre>
 *
 * @param fileName {@code file_name}: a plain file name (no directories) ending in {@code .html};
 *     {@code report.html} when absent
 */
public record HtmlReportLoggerConfig(@JsonProperty("file_name") String fileName) {
  /** The file name when none is configured, also the one {@code noether report} writes. */
  public static final String DEFAULT_FILE_NAME = "report.html";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when the file name has directories or does not end in .html
   */
  public HtmlReportLoggerConfig {
    fileName = fileName == null ? DEFAULT_FILE_NAME : fileName;
    if (fileName.isBlank()
        || fileName.contains("/")
        || fileName.contains("\\")
        || fileName.startsWith(".")
        || !fileName.endsWith(".html")) {
      throw new IllegalArgumentException(
          "file_name must be a plain file name ending in .html (it is written into the"
              + " stage directory), e.g. report.html; was '"
              + fileName
              + "'");
    }
  }
}
