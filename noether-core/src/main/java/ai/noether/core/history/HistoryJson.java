package ai.noether.core.history;

import ai.noether.api.checkpoint.TrainingIteration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lines of {@code history.jsonl}. One JSON object per line:
 *
 * <pre>
 * {"epoch":1,"update":20,"sample":640,"metrics":{"loss/train/total":0.4121,"lr":0.001}}
 * {"event":"resume","epoch":1,"update":20,"sample":640,"source":"run1/train@E1_U20_S640"}
 * </pre>
 *
 * Written by hand rather than through a JSON library because the format is tiny and fixed, and
 * numbers must keep every bit: doubles are written with {@link Double#toString}, which round-trips.
 * Read with Jackson ({@link #parse}), the one reader of these lines.
 */
final class HistoryJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryJson() {}

  /**
   * Parses one line into {@code events} or {@code resumes}. Events of kinds other than resume are
   * for other tools and are skipped.
   *
   * @throws IOException or IllegalArgumentException saying what is wrong with the line
   */
  static void parse(
      String line, List<MetricHistory.Event> events, List<MetricHistory.Resume> resumes)
      throws IOException {
    JsonNode node = JSON.readTree(line);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    TrainingIteration it =
        new TrainingIteration(
            counter(node, "epoch"), counter(node, "update"), counter(node, "sample"));
    JsonNode event = node.get("event");
    if (event != null) {
      if ("resume".equals(event.asText())) {
        JsonNode source = node.get("source");
        resumes.add(new MetricHistory.Resume(it, source == null ? "" : source.asText()));
      }
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
    events.add(new MetricHistory.Event(it, values));
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

  static String event(MetricHistory.Event event) {
    StringBuilder sb = new StringBuilder(64 + 32 * event.metrics().size());
    iteration(sb.append('{'), event.iteration()).append(",\"metrics\":{");
    boolean first = true;
    for (Map.Entry<String, Double> kv : event.metrics().entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, kv.getKey()).append(':').append(number(kv.getValue()));
    }
    return sb.append("}}").toString();
  }

  static String resume(MetricHistory.Resume resume) {
    StringBuilder sb = new StringBuilder("{\"event\":\"resume\",");
    iteration(sb, resume.iteration()).append(",\"source\":");
    return string(sb, resume.source()).append('}').toString();
  }

  private static StringBuilder iteration(StringBuilder sb, TrainingIteration it) {
    return sb.append("\"epoch\":")
        .append(it.epoch())
        .append(",\"update\":")
        .append(it.update())
        .append(",\"sample\":")
        .append(it.sample());
  }

  /** JSON has no NaN or infinity; they are written as strings so that the line stays valid JSON. */
  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "\"" + v + "\"";
  }

  private static StringBuilder string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }
}
