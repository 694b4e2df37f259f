package ai.noether.callbacks.logging;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of {@code kind: progress}. On an interactive terminal a progress bar is redrawn in
 * place (at most five times a second); otherwise (a log file, a batch job) a plain log line is
 * written at the interval.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: progress
 *       every_n_minutes: 1   # log lines when there is no terminal; default: every tenth of the run
 * }</pre>
 *
 * @param everyNEpochs {@code every_n_epochs}: a log line after every N-th epoch
 * @param everyNUpdates {@code every_n_updates}: a log line after every N-th update
 * @param everyNSamples {@code every_n_samples}: a log line when the sample counter crosses a
 *     multiple of N
 * @param everyNMinutes {@code every_n_minutes}: a log line every N minutes; at most one of the
 *     four. Default: every tenth of the run's updates (every 100 updates when the total is unknown)
 */
public record ProgressCallbackConfig(
    @JsonProperty("every_n_epochs") Long everyNEpochs,
    @JsonProperty("every_n_updates") Long everyNUpdates,
    @JsonProperty("every_n_samples") Long everyNSamples,
    @JsonProperty("every_n_minutes") Long everyNMinutes) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when more than one interval is given or one is not positive
   */
  public ProgressCallbackConfig {
    Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
  }

  /** The configured interval of log lines, or null for the default. */
  public @Nullable Interval interval() {
    return Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
  }
}
