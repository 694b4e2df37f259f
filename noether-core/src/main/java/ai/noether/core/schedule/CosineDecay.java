package ai.noether.core.schedule;

/**
 * Half a cosine from the base rate down to an end rate over {@code T} updates, as PyTorch's {@code
 * CosineAnnealingLR} (closed form): {@code end + (base - end) * (1 + cos(pi * t / T)) / 2}, then
 * {@code end} from {@code t = T} on. The end is absolute ({@code min_lr}) or relative to the base
 * ({@code end_factor}, default 0).
 */
final class CosineDecay {
  private final String kind;
  private final Double minLr;
  private final double endFactor;

  CosineDecay(String kind, Double minLr, Double endFactor) {
    this.kind = kind;
    if (minLr != null && endFactor != null) {
      throw new IllegalArgumentException(kind + " takes min_lr or end_factor, not both");
    }
    if (minLr != null && !(minLr >= 0)) {
      throw new IllegalArgumentException(kind + " min_lr must be non-negative, was " + minLr);
    }
    if (endFactor != null && !(endFactor >= 0 && endFactor <= 1)) {
      throw new IllegalArgumentException(kind + " end_factor must be in [0, 1], was " + endFactor);
    }
    this.minLr = minLr;
    this.endFactor = endFactor == null ? 0.0 : endFactor;
  }

  /** The rate after {@code t} of {@code length} decay updates. */
  double at(double baseLr, long t, long length) {
    double end = minLr != null ? minLr : baseLr * endFactor;
    if (t >= length) {
      return end;
    }
    return end + (baseLr - end) * (1 + Math.cos(Math.PI * t / length)) / 2;
  }

  /**
   * The decay length: {@code configured} when set, else the run's total updates.
   *
   * @throws IllegalStateException if neither is known
   */
  long length(Long configured, long totalUpdates) {
    if (configured != null) {
      return configured;
    }
    if (totalUpdates <= 0) {
      throw new IllegalStateException(
          kind
              + " needs the run's length: set total_updates, or a max_epochs, "
              + "max_updates or max_samples limit on the trainer");
    }
    return totalUpdates;
  }

  static Long requirePositive(String kind, String key, Long value) {
    if (value != null && value <= 0) {
      throw new IllegalArgumentException(kind + " " + key + " must be positive, was " + value);
    }
    return value;
  }
}
