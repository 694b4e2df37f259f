package ai.noether.core.config;

import ai.noether.api.callback.Interval;

/**
 * Builds an {@link Interval} from the four optional {@code every_n_*} keys of a config record, of
 * which at most one may be set. Meant for the canonical constructors of component config records:
 *
 * <pre>{@code
 * public record CheckpointCallbackConfig(Long everyNEpochs, Long everyNUpdates, Long everyNSamples,
 *     Long everyNMinutes, Integer keepLast) {
 *   public Interval interval() {
 *     return Intervals.exactlyOne(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
 *   }
 *   public CheckpointCallbackConfig {
 *     interval(); // validates at binding time
 *   }
 * }
 * }</pre>
 *
 * <p>Both methods throw {@link IllegalArgumentException} with a message that names the YAML keys;
 * the binder adds the file, line and path of the block.
 */
public final class Intervals {
  private Intervals() {}

  /**
   * The one interval that is set.
   *
   * @throws IllegalArgumentException naming both keys when two are set, all four when none is, or
   *     the key whose value is not positive
   */
  public static Interval exactlyOne(Long everyNEpochs, Long everyNUpdates, Long everyNSamples, Long everyNMinutes) {
    Interval interval = atMostOne(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
    if (interval == null) {
      throw new IllegalArgumentException(
          "set one of every_n_epochs, every_n_updates, every_n_samples or every_n_minutes");
    }
    return interval;
  }

  /**
   * The interval that is set, or null when none is.
   *
   * @throws IllegalArgumentException naming both keys when two are set, or the key whose value is
   *     not positive
   */
  public static Interval atMostOne(Long everyNEpochs, Long everyNUpdates, Long everyNSamples, Long everyNMinutes) {
    Long[] values = {everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes};
    Interval.Unit[] units = Interval.Unit.values();
    Interval found = null;
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        continue;
      }
      if (found != null) {
        throw new IllegalArgumentException(key(found.unit()) + " and " + key(units[i])
            + " are both set; keep one of them");
      }
      found = new Interval(units[i], values[i]);
    }
    return found;
  }

  /** The YAML key of a unit: {@code every_n_updates}. */
  public static String key(Interval.Unit unit) {
    return "every_n_" + unit.name().toLowerCase(java.util.Locale.ROOT);
  }
}
