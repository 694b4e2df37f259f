package ai.noether.callbacks.history;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of {@code kind: history}: PNG plots of the metric history in {@code
 * <stage_dir>/plots/}, rendered at the end of training and, with an interval, also during training.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: history
 *       every_n_epochs: 5     # optional: also re-render every 5 epochs (or updates / samples / minutes)
 * }</pre>
 *
 * @param everyNEpochs {@code every_n_epochs}: also render after every N-th epoch
 * @param everyNUpdates {@code every_n_updates}: also render after every N-th update
 * @param everyNSamples {@code every_n_samples}: also render when the sample counter crosses a
 *     multiple of N
 * @param everyNMinutes {@code every_n_minutes}: also render every N minutes of wall-clock time; at
 *     most one of the four; none renders only at the end
 */
public record HistoryPlotCallbackConfig(
    @JsonProperty("every_n_epochs") Long everyNEpochs,
    @JsonProperty("every_n_updates") Long everyNUpdates,
    @JsonProperty("every_n_samples") Long everyNSamples,
    @JsonProperty("every_n_minutes") Long everyNMinutes) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when more than one interval is given or one is not positive
   */
  public HistoryPlotCallbackConfig {
    Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
  }

  /** The interval of intermediate renders, or null for the end of training only. */
  public @Nullable Interval interval() {
    return Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
  }
}
