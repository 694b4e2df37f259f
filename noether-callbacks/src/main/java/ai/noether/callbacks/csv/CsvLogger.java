package ai.noether.callbacks.csv;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.LoggerContext;
import ai.noether.api.logger.MetricLogger;
import ai.noether.callbacks.internal.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a stage's metrics to {@code <stage_dir>/metrics.csv} in the wide layout that {@code
 * pandas.read_csv} and spreadsheets expect: a header {@code epoch,update,sample,<metric>...} and
 * one row per logging event (the values logged together at one iteration; the training window and
 * an evaluation at the same iteration are two rows). A metric's column appears when the metric is
 * first logged; rows without a value for a column leave the cell empty (NaN in pandas). Values are
 * written so that they read back exactly ({@code 0.1234567890123}); NaN and infinities as {@code
 * nan}, {@code inf}, {@code -inf}.
 *
 * <p><b>Durability.</b> Each row is handed to the operating system as soon as it is logged (one
 * write, no buffer left in the process), so a {@code kill -9} loses nothing that was logged; a
 * machine crash may lose the last rows, which the checkpoint's history holds anyway. When a new
 * metric adds a column, the file is rewritten with the new header under a pending name, forced to
 * disk and renamed over the old one, so a crash leaves the old or the new file, never a mix.
 *
 * <p><b>Resume.</b> At the start of every process the file is rewritten from the history the
 * trainer hands over: on a resume, the checkpoint's history, which ends at the resumed iteration.
 * Rows the interrupted process logged after that checkpoint disappear, exactly as they do from
 * {@code history.jsonl}, and the file of a run that was interrupted and resumed equals the one of
 * the same run trained without interruption.
 *
 * <p>Not thread-safe: the training thread calls it.
 */
public final class CsvLogger implements MetricLogger {
  /** The counters, the first three columns. */
  public static final List<String> ITERATION_COLUMNS = List.of("epoch", "update", "sample");

  private final String fileName;
  private @Nullable Path file;
  private final Set<String> columns = new LinkedHashSet<>();
  private @Nullable FileChannel appender;

  /** A logger writing {@code <stage_dir>/<fileName>}. */
  public CsvLogger(String fileName) {
    this.fileName = fileName;
  }

  /** The file written, once started; null before. */
  public @Nullable Path file() {
    return file;
  }

  @Override
  public void start(LoggerContext context) {
    file = context.stageDir().resolve(fileName);
    closeAppender();
    columns.clear();
    List<LoggedMetrics> history = context.history();
    history.forEach(e -> columns.addAll(e.metrics().keySet()));
    replace(
        out -> {
          for (LoggedMetrics e : history) {
            out.write(row(e.iteration(), e.metrics()));
          }
        },
        0);
  }

  @Override
  public void log(TrainingIteration iteration, Map<String, Double> metrics) {
    started();
    int before = columns.size();
    columns.addAll(metrics.keySet());
    String row = row(iteration, metrics);
    if (columns.size() > before) {
      int added = columns.size() - before;
      replace(
          out -> {
            copyRowsPadded(out, added);
            out.write(row);
          },
          added);
      return;
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(row.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        Objects.requireNonNull(appender, "appender").write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not append to " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces the file: the current header, then what {@code rows} writes; reopens the appender. */
  private void replace(AtomicFiles.Contents rows, int addedColumns) {
    closeAppender();
    try {
      Path target = started();
      AtomicFiles.replace(
          target,
          out -> {
            out.write(header());
            rows.writeTo(out);
          });
      appender = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write "
              + file
              + (addedColumns > 0 ? " with " + addedColumns + " new column(s)" : "")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The data rows of the current file, each with empty cells for the columns just added. */
  private void copyRowsPadded(Writer out, int added) throws IOException {
    Path file = started();
    if (!Files.exists(file)) {
      return;
    }
    String padding = ",".repeat(added);
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = in.readLine(); // the old header
      while (line != null && (line = in.readLine()) != null) {
        // Values are numbers and keys are quoted without line breaks, so a line is a row.
        out.write(line);
        out.write(padding);
        out.write('\n');
      }
    }
  }

  private String header() {
    StringBuilder sb = new StringBuilder(String.join(",", ITERATION_COLUMNS));
    for (String c : columns) {
      sb.append(',').append(quote(c));
    }
    return sb.append('\n').toString();
  }

  private String row(TrainingIteration it, Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder();
    sb.append(it.epoch()).append(',').append(it.update()).append(',').append(it.sample());
    for (String c : columns) {
      sb.append(',');
      Double v = metrics.get(c);
      if (v != null) {
        sb.append(number(v));
      }
    }
    return sb.append('\n').toString();
  }

  /** A value as pandas reads it back exactly. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Double.toString(v);
  }

  /**
   * RFC 4180 quoting for keys with commas or quotes; line breaks become spaces, so a line stays a
   * row.
   */
  static String quote(String key) {
    String k = key.replace('\n', ' ').replace('\r', ' ');
    if (k.contains(",") || k.contains("\"") || k.startsWith(" ") || k.endsWith(" ")) {
      return "\"" + k.replace("\"", "\"\"") + "\"";
    }
    return k;
  }

  private Path started() {
    Path started = file;
    if (started == null) {
      throw new IllegalStateException("the csv logger was not started");
    }
    return started;
  }

  /** The columns in file order, iteration columns first. */
  public List<String> columns() {
    List<String> all = new ArrayList<>(ITERATION_COLUMNS);
    all.addAll(columns);
    return all;
  }

  private void closeAppender() {
    if (appender != null) {
      try {
        appender.close();
      } catch (IOException e) {
        throw new UncheckedIOException("could not close " + file, e);
      } finally {
        appender = null;
      }
    }
  }

  @Override
  public void close() {
    closeAppender();
  }
}
