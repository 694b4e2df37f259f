package ai.noether.examples.plugin.timebudget;

import java.util.Locale;

/**
 * Durations as people read them in a log: {@code 0.4 s}, {@code 12.0 s}, {@code 3.9 min}, {@code
 * 7.5 h}.
 */
final class Durations {
  private Durations() {}

  static String format(long nanos) {
    double seconds = nanos / 1e9;
    if (Math.abs(seconds) < 120) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (Math.abs(seconds) < 120 * 60) {
      return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
