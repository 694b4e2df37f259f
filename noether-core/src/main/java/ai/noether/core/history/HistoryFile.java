package ai.noether.core.history;

import ai.noether.api.checkpoint.TrainingIteration;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The contents of a {@code history.jsonl} as {@link MetricHistory} writes it, for the tools that
 * read a stage's history from outside a training (plots, reports, loggers): one JSON object per
 * line, either values logged together at an iteration, {@code
 * {"epoch":1,"update":20,"sample":640,"metrics":{"loss/train/total":0.41,...}}}, or a resume
 * marker, {@code {"event":"resume","epoch":1,"update":20,"sample":640,"source":"run1/train@..."}}.
 * Non-finite values are written as the strings {@code "NaN"}, {@code "Infinity"} and {@code
 * "-Infinity"} and read back as such.
 *
 * @param events the logged values in file order; never null
 * @param resumes the resume markers in file order; never null
 */
public record HistoryFile(List<MetricHistory.Event> events, List<MetricHistory.Resume> resumes) {
  public HistoryFile {
    events = List.copyOf(events);
    resumes = List.copyOf(resumes);
  }

  /** One value of one metric. */
  public record Point(TrainingIteration iteration, double value) {}

  /**
   * Reads a history file. A last line that is cut off (the process died while writing it) is
   * skipped; any other malformed line is an error.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file and line of malformed content
   */
  public static HistoryFile read(Path file) throws IOException {
    List<MetricHistory.Event> events = new ArrayList<>();
    List<MetricHistory.Resume> resumes = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = reader.readLine();
      int number = 0;
      while (line != null) {
        number++;
        String next = reader.readLine();
        if (!line.isBlank()) {
          try {
            HistoryJson.parse(line, events, resumes);
          } catch (IOException | RuntimeException e) {
            if (next != null) {
              throw new IllegalArgumentException(
                  file + " line " + number + " is not a history entry: " + e.getMessage(), e);
            }
            // The last line may be cut off by a crash; everything before it is complete.
          }
        }
        line = next;
      }
    }
    return new HistoryFile(events, resumes);
  }

  /** Every metric key, in order of first appearance. */
  public List<String> keys() {
    LinkedHashMap<String, Boolean> keys = new LinkedHashMap<>();
    events.forEach(e -> e.metrics().keySet().forEach(k -> keys.putIfAbsent(k, true)));
    return List.copyOf(keys.keySet());
  }

  /** Every value of one metric with its iteration, in file order; empty if never logged. */
  public List<Point> series(String key) {
    List<Point> out = new ArrayList<>();
    for (MetricHistory.Event e : events) {
      Double v = e.metrics().get(key);
      if (v != null) {
        out.add(new Point(e.iteration(), v));
      }
    }
    return out;
  }
}
