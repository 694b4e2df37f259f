package ai.noether.callbacks.logging;

import ai.noether.api.callback.Interval;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of {@code kind: lr-monitor}: logs the learning rate as a metric, so it is in the
 * history, the plots and every checkpoint's metrics.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: lr-monitor
 *       every_n_updates: 10   # default 50; or every_n_epochs / every_n_samples / every_n_minutes
 *       key: optim/lr         # default optim/lr
 * }</pre>
 *
 * @param everyNEpochs {@code every_n_epochs}: log after every N-th epoch
 * @param everyNUpdates {@code every_n_updates}: log after every N-th update
 * @param everyNSamples {@code every_n_samples}: log when the sample counter crosses a multiple of N
 * @param everyNMinutes {@code every_n_minutes}: log every N minutes of wall-clock time; at most one
 *     of the four, default {@code every_n_updates: 50}
 * @param key {@code key}: the metric key; default {@value #DEFAULT_KEY} (the trainer itself logs
 *     {@code lr} with the training loss)
 */
public record LrMonitorCallbackConfig(
    @JsonProperty("every_n_epochs") Long everyNEpochs,
    @JsonProperty("every_n_updates") Long everyNUpdates,
    @JsonProperty("every_n_samples") Long everyNSamples,
    @JsonProperty("every_n_minutes") Long everyNMinutes,
    @JsonProperty("key") String key) {
  /** The metric key used when none is configured. */
  public static final String DEFAULT_KEY = "optim/lr";

  /** Updates between two values when no interval is configured. */
  public static final long DEFAULT_EVERY_N_UPDATES = 50;

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key that is invalid
   */
  public LrMonitorCallbackConfig {
    if (Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes) == null) {
      everyNUpdates = DEFAULT_EVERY_N_UPDATES;
    }
    if (key != null && key.isBlank()) {
      throw new IllegalArgumentException("key must be a metric key such as optim/lr, was blank");
    }
    key = key == null ? DEFAULT_KEY : key;
  }

  /** The interval; never null. */
  public Interval interval() {
    // The constructor fills in a default when no key is set.
    return java.util.Objects.requireNonNull(
        Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes));
  }
}
