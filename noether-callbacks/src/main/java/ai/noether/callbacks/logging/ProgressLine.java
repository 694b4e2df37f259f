package ai.noether.callbacks.logging;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Locale;

/**
 * Formats the parts of a progress report; pure functions, so they are tested without a terminal.
 */
final class ProgressLine {
  static final int BAR_WIDTH = 30;

  private ProgressLine() {}

  /**
   * {@code E3 U450/1000 45% | loss 0.1234 | 12.3 updates/s | ETA 0:00:45}; parts that are unknown
   * (total, loss, rate) are left out.
   */
  static String describe(
      TrainingIteration it, long totalUpdates, double updatesPerSecond, @Nullable Double loss) {
    StringBuilder sb = new StringBuilder();
    sb.append('E').append(it.epoch()).append(" U").append(it.update());
    if (totalUpdates > 0) {
      sb.append('/')
          .append(totalUpdates)
          .append(' ')
          .append(Math.round(100.0 * fraction(it, totalUpdates)))
          .append('%');
    }
    if (loss != null) {
      sb.append(" | loss ").append(ai.noether.api.metric.MetricFormat.format(loss));
    }
    if (updatesPerSecond > 0 && Double.isFinite(updatesPerSecond)) {
      sb.append(" | ")
          .append(
              String.format(
                  Locale.ROOT, updatesPerSecond >= 10 ? "%.0f" : "%.2f", updatesPerSecond))
          .append(" updates/s");
      if (totalUpdates > 0) {
        long remaining = Math.max(0, totalUpdates - it.update());
        sb.append(" | ETA ").append(duration(remaining / updatesPerSecond));
      }
    }
    return sb.toString();
  }

  /**
   * The log line when no terminal shows a bar: {@code E1_U75_S2400 | 29% of 256 updates | ETA
   * 0:00:03}, the iteration written as the trainer's lines write it, and only what they do not say
   * (the loss, learning rate and throughput are in the trainer's lines). Unknown parts are left
   * out.
   */
  static String logLine(TrainingIteration it, long totalUpdates, double updatesPerSecond) {
    StringBuilder sb = new StringBuilder(it.toString());
    if (totalUpdates > 0) {
      sb.append(" | ")
          .append(Math.round(100.0 * fraction(it, totalUpdates)))
          .append("% of ")
          .append(totalUpdates)
          .append(" updates");
      if (updatesPerSecond > 0 && Double.isFinite(updatesPerSecond)) {
        sb.append(" | ETA ")
            .append(duration(Math.max(0, totalUpdates - it.update()) / updatesPerSecond));
      }
    }
    return sb.toString();
  }

  /** {@code finished E4_U256_S8192: 256 updates in 0:00:10}. */
  static String finishedLine(TrainingIteration it, long updates, double seconds) {
    return "finished "
        + it
        + ": "
        + updates
        + (updates == 1 ? " update" : " updates")
        + " in "
        + duration(seconds);
  }

  /** Done so far, in [0, 1]. */
  static double fraction(TrainingIteration it, long totalUpdates) {
    return totalUpdates <= 0 ? 0 : Math.min(1.0, (double) it.update() / totalUpdates);
  }

  /** {@code [#########---------------------]} for a fraction in [0, 1]. */
  static String bar(double fraction) {
    int filled = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  /** {@code H:MM:SS}, e.g. {@code 0:00:45} or {@code 27:03:10}. */
  static String duration(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
