package ai.noether.examples.plugin.throughput;

import ai.noether.api.callback.Interval;

/**
 * Configuration of the {@code throughput} callback: how often it logs the training speed.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: throughput
 *       every_n_updates: 200   # or every_n_epochs / every_n_samples / every_n_minutes; default every_n_updates: 100
 * }</pre>
 *
 * @param everyNEpochs {@code every_n_epochs}: log after every N-th epoch
 * @param everyNUpdates {@code every_n_updates}: log after every N-th update
 * @param everyNSamples {@code every_n_samples}: log when the sample counter crosses a multiple of N
 * @param everyNMinutes {@code every_n_minutes}: log every N minutes of wall-clock time. At most one
 *     of the four; none means {@code every_n_updates: }{@value #DEFAULT_EVERY_N_UPDATES}
 */
public record ThroughputCallbackConfig(
    Long everyNEpochs, Long everyNUpdates, Long everyNSamples, Long everyNMinutes) {
  /** Updates between two values when no interval is configured. */
  public static final long DEFAULT_EVERY_N_UPDATES = 100;

  /**
   * Fills in the default interval.
   *
   * @throws IllegalArgumentException naming the keys when more than one is given or one is not
   *     positive
   */
  public ThroughputCallbackConfig {
    if (Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes) == null) {
      everyNUpdates = DEFAULT_EVERY_N_UPDATES;
    }
  }

  /** A config that logs at {@code interval}. */
  public static ThroughputCallbackConfig every(Interval interval) {
    Long[] keys = new Long[4];
    keys[interval.unit().ordinal()] = interval.every();
    return new ThroughputCallbackConfig(keys[0], keys[1], keys[2], keys[3]);
  }

  /** The interval; never null. */
  public Interval interval() {
    // The constructor fills in a default when no key is set.
    return java.util.Objects.requireNonNull(
        Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes));
  }
}
