package ai.noether.core.training;

/**
 * The trainer's name for {@link ai.noether.api.metric.MetricFormat}, which owns how metric values
 * appear in log lines; kept while the trainer's classes still name it here.
 */
public final class MetricFormat {
  /** Significant digits of every logged metric value. */
  public static final int DIGITS = ai.noether.api.metric.MetricFormat.DIGITS;

  private MetricFormat() {}

  /** {@link ai.noether.api.metric.MetricFormat#format(double)}. */
  public static String format(double value) {
    return ai.noether.api.metric.MetricFormat.format(value);
  }
}
