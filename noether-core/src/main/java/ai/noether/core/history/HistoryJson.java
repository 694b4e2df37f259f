package ai.noether.core.history;

import ai.noether.api.checkpoint.TrainingIteration;
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
 */
final class HistoryJson {
  private HistoryJson() {}

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
    return sb.append("\"epoch\":").append(it.epoch()).append(",\"update\":").append(it.update())
        .append(",\"sample\":").append(it.sample());
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
