package ai.noether.api.callback;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;

/**
 * "Every N epochs / updates / samples / minutes": when a periodic callback fires. Exactly one unit.
 * An interval is due when the counter crossed a multiple of N between two iterations, so it fires
 * the same way whether training ran uninterrupted or was resumed in between.
 */
public record Interval(Unit unit, long every) {

  /** The unit of an interval. */
  public enum Unit {
    EPOCHS,
    UPDATES,
    SAMPLES,
    MINUTES
  }

  public Interval {
    if (unit == null) {
      throw new IllegalArgumentException("interval unit must not be null");
    }
    if (every <= 0) {
      throw new IllegalArgumentException(
          "every_n_"
              + unit.name().toLowerCase(java.util.Locale.ROOT)
              + " must be positive, was "
              + every);
    }
  }

  /**
   * The interval given by the YAML keys {@code every_n_epochs}, {@code every_n_updates}, {@code
   * every_n_samples} and {@code every_n_minutes}, each null when absent.
   *
   * @return the interval, or null when all four are absent
   * @throws IllegalArgumentException naming the keys when more than one is given or a value is not
   *     positive
   */
  public static @Nullable Interval fromKeys(
      @Nullable Long everyNEpochs,
      @Nullable Long everyNUpdates,
      @Nullable Long everyNSamples,
      @Nullable Long everyNMinutes) {
    Long[] values = {everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes};
    Interval found = null;
    for (Unit unit : Unit.values()) {
      Long v = values[unit.ordinal()];
      if (v == null) {
        continue;
      }
      if (found != null) {
        throw new IllegalArgumentException(
            "give only one of "
                + found.key()
                + " and "
                + new Interval(unit, 1).key()
                + "; an interval has exactly one unit");
      }
      found = new Interval(unit, v);
    }
    return found;
  }

  /** The YAML key of this interval's unit, e.g. {@code every_n_updates}. */
  public String key() {
    return "every_n_" + unit.name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Interval epochs(long n) {
    return new Interval(Unit.EPOCHS, n);
  }

  public static Interval updates(long n) {
    return new Interval(Unit.UPDATES, n);
  }

  public static Interval samples(long n) {
    return new Interval(Unit.SAMPLES, n);
  }

  public static Interval minutes(long n) {
    return new Interval(Unit.MINUTES, n);
  }

  /**
   * True if a counter-based interval is due after moving from {@code before} to {@code now}. Always
   * false for {@link Unit#MINUTES}, which the caller checks against a clock.
   */
  public boolean isDue(TrainingIteration before, TrainingIteration now) {
    return switch (unit) {
      case EPOCHS -> crossed(before.epoch(), now.epoch());
      case UPDATES -> crossed(before.update(), now.update());
      case SAMPLES -> crossed(before.sample(), now.sample());
      case MINUTES -> false;
    };
  }

  private boolean crossed(long before, long now) {
    return now > before && now / every > before / every;
  }

  /** The YAML key of this interval, e.g. {@code every_n_updates: 100}. */
  @Override
  public String toString() {
    return key() + ": " + every;
  }
}
