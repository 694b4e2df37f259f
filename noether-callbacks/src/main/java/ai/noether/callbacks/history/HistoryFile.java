package ai.noether.callbacks.history;

import ai.noether.api.checkpoint.TrainingIteration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contents of a {@code history.jsonl} as written by the trainer's metric history: one JSON
 * object per line, either values logged together at an iteration,
 * {@code {"epoch":1,"update":20,"sample":640,"metrics":{"loss/train/total":0.41,...}}}, or a resume
 * marker, {@code {"event":"resume","epoch":1,"update":20,"sample":640,"source":"run1/train@..."}}.
 * Non-finite values are written as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"} and read back as such.
 *
 * @param events the logged values in file order; never null
 * @param resumes the resume markers in file order; never null
 */
public record HistoryFile(List<Event> events, List<Resume> resumes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public HistoryFile {
    events = List.copyOf(events);
    resumes = List.copyOf(resumes);
  }

  /** Values logged together at one iteration, in logging order. */
  public record Event(TrainingIteration iteration, Map<String, Double> metrics) {
    public Event {
      Objects.requireNonNull(iteration, "iteration");
      metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
  }

  /** A point where the stage continued from a checkpoint. */
  public record Resume(TrainingIteration iteration, String source) {}

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
    List<Event> events = new ArrayList<>();
    List<Resume> resumes = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = reader.readLine();
      int number = 0;
      while (line != null) {
        number++;
        String next = reader.readLine();
        if (!line.isBlank()) {
          try {
            parseLine(line, events, resumes);
          } catch (IOException | RuntimeException e) {
            if (next != null) {
              throw new IllegalArgumentException(file + " line " + number + " is not a history entry: " + e.getMessage(), e);
            }
            // The last line may be cut off by a crash; everything before it is complete.
          }
        }
        line = next;
      }
    }
    return new HistoryFile(events, resumes);
  }

  private static void parseLine(String line, List<Event> events, List<Resume> resumes) throws IOException {
    JsonNode node = JSON.readTree(line);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    TrainingIteration it = new TrainingIteration(counter(node, "epoch"), counter(node, "update"), counter(node, "sample"));
    JsonNode event = node.get("event");
    if (event != null) {
      if ("resume".equals(event.asText())) {
        JsonNode source = node.get("source");
        resumes.add(new Resume(it, source == null ? "" : source.asText()));
      }
      // Unknown events are for other tools; they carry no values.
      return;
    }
    JsonNode metrics = node.get("metrics");
    if (metrics == null || !metrics.isObject()) {
      throw new IllegalArgumentException("\"metrics\" is missing or not an object");
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> f = fields.next();
      values.put(f.getKey(), number(f.getKey(), f.getValue()));
    }
    events.add(new Event(it, values));
  }

  private static long counter(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("\"" + key + "\" is missing or not a whole number");
    }
    return v.asLong();
  }

  private static double number(String key, JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      switch (v.asText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("the value of \"" + key + "\" is not a number: " + v);
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
    for (Event e : events) {
      Double v = e.metrics().get(key);
      if (v != null) {
        out.add(new Point(e.iteration(), v));
      }
    }
    return out;
  }
}
