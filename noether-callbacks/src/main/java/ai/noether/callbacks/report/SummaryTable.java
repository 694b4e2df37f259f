package ai.noether.callbacks.report;

import static ai.noether.callbacks.report.HtmlText.escape;
import static ai.noether.callbacks.report.ReportNumbers.value;

import ai.noether.api.logger.LoggedMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's summary: one row per metric with its last value, its finite minimum and maximum and
 * how many values were logged, counting the non-finite ones apart. Nothing when nothing was logged.
 */
final class SummaryTable {
  private static final int LAST = 0;
  private static final int MIN = 1;
  private static final int MAX = 2;
  private static final int COUNT = 3;
  private static final int NON_FINITE = 4;

  private SummaryTable() {}

  static void appendTo(StringBuilder h, List<LoggedMetrics> events) {
    Map<String, double[]> stats = statistics(events);
    if (stats.isEmpty()) {
      return;
    }
    h.append(
            "<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th>metric</th><th>last</th><th>min</th>")
        .append("<th>max</th><th>values</th></tr></thead>\n<tbody>\n");
    stats.forEach(
        (k, s) ->
            h.append("<tr><td><code>")
                .append(escape(k))
                .append("</code></td><td>")
                .append(value(s[LAST]))
                .append("</td><td>")
                .append(s[COUNT] > s[NON_FINITE] ? value(s[MIN]) : "–")
                .append("</td><td>")
                .append(s[COUNT] > s[NON_FINITE] ? value(s[MAX]) : "–")
                .append("</td><td>")
                .append((long) s[COUNT])
                .append(s[NON_FINITE] > 0 ? " (" + (long) s[NON_FINITE] + " not finite)" : "")
                .append("</td></tr>\n"));
    h.append("</tbody>\n</table>\n");
  }

  /** Metric key to {last, min, max, count, non-finite count}, in order of first appearance. */
  private static Map<String, double[]> statistics(List<LoggedMetrics> events) {
    Map<String, double[]> stats = new LinkedHashMap<>();
    for (LoggedMetrics e : events) {
      e.metrics()
          .forEach(
              (k, v) -> {
                double[] s =
                    stats.computeIfAbsent(
                        k,
                        x ->
                            new double[] {
                              Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0
                            });
                s[LAST] = v;
                s[COUNT]++;
                if (Double.isFinite(v)) {
                  s[MIN] = Math.min(s[MIN], v);
                  s[MAX] = Math.max(s[MAX], v);
                } else {
                  s[NON_FINITE]++;
                }
              });
    }
    return stats;
  }
}
