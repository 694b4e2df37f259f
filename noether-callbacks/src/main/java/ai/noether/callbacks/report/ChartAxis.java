package ai.noether.callbacks.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One axis of a chart: maps values to [0, 1] and proposes tick values. A logarithmic axis keeps its
 * bounds as powers of ten ({@code min} and {@code max} are exponents).
 */
record ChartAxis(double min, double max, boolean log) {
  /**
   * A linear axis over {@code [min, max]} with 5 % margins (10 % of the value if they are equal).
   */
  static ChartAxis linear(double min, double max) {
    if (min == max) {
      double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
      return new ChartAxis(min - pad, max + pad, false);
    }
    double pad = (max - min) * 0.05;
    return new ChartAxis(min - pad, max + pad, false);
  }

  /** A logarithmic axis over {@code [min, max]}, both positive. */
  static ChartAxis log(double min, double max) {
    return new ChartAxis(Math.log10(min) - 0.05, Math.log10(max) + 0.05, true);
  }

  /** Where {@code v} lies between the axis' bounds: 0 at the lower, 1 at the upper. */
  double fraction(double v) {
    double t = log ? Math.log10(v) : v;
    return (t - min) / (max - min);
  }

  /** Tick values: the powers of ten in range, or about five round steps. */
  List<Double> ticks() {
    List<Double> out = new ArrayList<>();
    if (log) {
      for (int e = (int) Math.ceil(min); e <= Math.floor(max); e++) {
        out.add(Math.pow(10, e));
      }
      if (out.size() >= 2) {
        return out;
      }
      out.clear();
      // Less than two decades shown: fall through to linear ticks within the range.
      for (double t : new ChartAxis(Math.pow(10, min), Math.pow(10, max), false).ticks()) {
        if (t > 0) {
          out.add(t);
        }
      }
      return out;
    }
    double span = max - min;
    double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (span / (step * m) <= 6) {
        step *= m;
        break;
      }
    }
    for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return out;
  }
}
