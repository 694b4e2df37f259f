package ai.noether.api.metric;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * How metric values appear in log lines: six significant digits everywhere ({@code 0.294851},
 * {@code 12.3457}, {@code 1.58700e-07}), so that a value logged by one component reads the same as
 * when another logs it, and no line shows seventeen digits next to another's six. Files ({@code
 * history.jsonl}, checkpoints) keep the full value.
 */
public final class MetricFormat {
  /** Significant digits of every logged metric value. */
  public static final int DIGITS = 6;

  private static final MathContext CONTEXT = new MathContext(DIGITS);

  private MetricFormat() {}

  /**
   * The value for a log line; {@code NaN}, {@code Infinity} and {@code -Infinity} as Java writes
   * them.
   */
  public static String format(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    if (value == 0) {
      return "0";
    }
    double magnitude = Math.abs(value);
    if (magnitude >= 1e-4 && magnitude < 1e6) {
      return new BigDecimal(value).round(CONTEXT).toPlainString();
    }
    return String.format(Locale.ROOT, "%." + (DIGITS - 1) + "e", value);
  }
}
