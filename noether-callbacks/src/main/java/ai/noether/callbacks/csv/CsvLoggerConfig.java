package ai.noether.callbacks.csv;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of {@code kind: csv}: every logged metric in a CSV file in the stage directory.
 *
 * <pre>{@code
 * trainer:
 *   loggers:
 *     - kind: csv
 *       file_name: metrics.csv   # optional; the file in <stage_dir> (default metrics.csv)
 * }</pre>
 *
 * @param fileName {@code file_name}: a plain file name (no directories) ending in {@code .csv};
 *     {@code metrics.csv} when absent
 */
public record CsvLoggerConfig(@JsonProperty("file_name") String fileName) {
  /** The file name when none is configured. */
  public static final String DEFAULT_FILE_NAME = "metrics.csv";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when the file name has directories or does not end in .csv
   */
  public CsvLoggerConfig {
    fileName = fileName == null ? DEFAULT_FILE_NAME : fileName;
    if (fileName.isBlank()
        || fileName.contains("/")
        || fileName.contains("\\")
        || fileName.startsWith(".")
        || !fileName.endsWith(".csv")) {
      throw new IllegalArgumentException(
          "file_name must be a plain file name ending in .csv (it is written into the"
              + " stage directory), e.g. metrics.csv; was '"
              + fileName
              + "'");
    }
  }
}
