package ai.noether.api.metric;

import java.util.Locale;

/**
 * Whether smaller or larger values of a metric are better. Every metric declares its direction;
 * callbacks that select by a metric (best checkpoints, early stopping, plateau schedules) take it
 * from the metric or from an explicit {@code mode: min|max}, never from the metric's name.
 */
public enum Direction {
  /** Smaller is better: losses, errors, NASA's RUL score. Written {@code min}. */
  LOWER_IS_BETTER("min"),
  /** Larger is better: accuracy, F1. Written {@code max}. */
  HIGHER_IS_BETTER("max");

  private final String mode;

  Direction(String mode) {
    this.mode = mode;
  }

  /** The YAML spelling, {@code min} or {@code max}. */
  public String mode() {
    return mode;
  }

  /**
   * The direction written as {@code min} or {@code max} (case-insensitive).
   *
   * @param yamlKey the key the value came from, for the message
   * @throws IllegalArgumentException naming the key, the value and the valid values
   */
  public static Direction parse(String value, String yamlKey) {
    if (value != null) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "min":
          return LOWER_IS_BETTER;
        case "max":
          return HIGHER_IS_BETTER;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(yamlKey + " must be min or max, was '" + value + "'");
  }

  /**
   * True if {@code candidate} beats {@code best} by more than {@code minDelta}. NaN never beats
   * anything; anything but NaN beats a NaN or absent best.
   */
  public boolean isImprovement(double candidate, Double best, double minDelta) {
    if (Double.isNaN(candidate)) {
      return false;
    }
    if (best == null || Double.isNaN(best)) {
      return true;
    }
    return this == LOWER_IS_BETTER ? candidate < best - minDelta : candidate > best + minDelta;
  }

  @Override
  public String toString() {
    return mode;
  }
}
