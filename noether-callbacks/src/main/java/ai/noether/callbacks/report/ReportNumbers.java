package ai.noether.callbacks.report;

import java.util.Locale;

/**
 * How the report writes numbers: metric values, axis ticks, chart coordinates and sizes. Every
 * format uses {@link Locale#ROOT}, so the page does not depend on the machine that renders it.
 */
final class ReportNumbers {
  private ReportNumbers() {}

  /** A size for people: bytes below 1 KiB, else KiB, MiB, GiB with 1 decimal. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * A metric value: six significant digits in plain notation between 1e-3 and 1e5, else an
   * exponent; {@code NaN} and infinities as Java spells them.
   */
  static String value(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return String.format(
        Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 || v == 0 ? "%.6g" : "%.4e", v);
  }

  /** A tick label of a linear axis: at most four significant digits, no trailing zeros. */
  static String tick(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.4g", v);
      return s.contains(".") && !s.contains("e")
          ? s.replaceAll("0+$", "").replaceAll("\\.$", "")
          : s;
    }
    return String.format(Locale.ROOT, "%.1e", v);
  }

  /** A tick label of a logarithmic axis: the power of ten, {@code 1e-03}. */
  static String logTick(double v) {
    return String.format(Locale.ROOT, "%.0e", v);
  }

  /** A coordinate with two decimals, enough for a screen and stable across runs. */
  static String coordinate(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
