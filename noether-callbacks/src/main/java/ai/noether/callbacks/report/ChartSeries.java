package ai.noether.callbacks.report;

import ai.noether.api.logger.LoggedMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * What one chart plots: for each of its keys the finite values logged, as {update, value} pairs in
 * logging order, and the range all of them span. Non-finite values are left out.
 *
 * @param keys the metric keys, in legend order
 * @param points for each key (same index) its points
 * @param minX the lowest update with a finite value; {@code +Infinity} if there is none
 * @param maxX the highest update with a finite value; {@code -Infinity} if there is none
 * @param minY the lowest finite value
 * @param maxY the highest finite value
 * @param allPositive true if every finite value is above zero (a logarithmic axis can show them)
 */
record ChartSeries(
    List<String> keys,
    List<List<double[]>> points,
    double minX,
    double maxX,
    double minY,
    double maxY,
    boolean allPositive) {

  static ChartSeries of(List<String> keys, List<LoggedMetrics> events) {
    List<List<double[]>> series = new ArrayList<>();
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    boolean allPositive = true;
    for (String key : keys) {
      List<double[]> points = new ArrayList<>();
      for (LoggedMetrics e : events) {
        Double v = e.metrics().get(key);
        if (v != null && Double.isFinite(v)) {
          double x = e.iteration().update();
          points.add(new double[] {x, v});
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, v);
          maxY = Math.max(maxY, v);
          allPositive &= v > 0;
        }
      }
      series.add(points);
    }
    return new ChartSeries(keys, series, minX, maxX, minY, maxY, allPositive);
  }

  /** True if no key has a finite value: there is nothing to draw. */
  boolean isEmpty() {
    return minX > maxX;
  }
}
