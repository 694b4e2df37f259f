package ai.noether.callbacks.report;

import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.metric.MetricKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which metrics share a chart: a metric logged for several splits ({@code loss/train/total} and
 * {@code loss/valid/total}) is one group, {@code loss/*}{@code /total}; the learning rate has its
 * own.
 */
final class MetricGroups {
  private static final Set<String> SPLITS = Set.of("train", "valid", "test");

  private MetricGroups() {}

  /** Chart title to the keys it plots, in order of first appearance; the learning rate last. */
  static Map<String, List<String>> of(List<LoggedMetrics> events) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    List<String> lr = new ArrayList<>();
    for (LoggedMetrics e : events) {
      for (String key : e.metrics().keySet()) {
        if (key.equals(MetricKeys.LEARNING_RATE)) {
          if (lr.isEmpty()) {
            lr.add(key);
          }
          continue;
        }
        List<String> keys = groups.computeIfAbsent(groupOf(key), g -> new ArrayList<>());
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }
    if (!lr.isEmpty()) {
      groups.put("learning rate", lr);
    }
    return groups;
  }

  /**
   * {@code loss/train/total} and {@code loss/valid/total} share the group {@code loss/*}{@code
   * /total}.
   */
  private static String groupOf(String key) {
    String[] parts = key.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      if (SPLITS.contains(parts[i])) {
        parts[i] = "*";
        return String.join("/", parts);
      }
    }
    return key;
  }
}
