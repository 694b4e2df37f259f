package ai.noether.callbacks.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * Configuration of {@code kind: checkpoint}, a periodic resumable checkpoint.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: checkpoint
 *       every_n_epochs: 5      # or every_n_updates / every_n_samples / every_n_minutes
 *       save_optim: true       # default true
 *       save_latest: true      # default true
 *       keep_last: 2           # default: keep all
 * }</pre>
 *
 * @param everyNEpochs {@code every_n_epochs}: save after every N-th epoch
 * @param everyNUpdates {@code every_n_updates}: save after every N-th update
 * @param everyNSamples {@code every_n_samples}: save whenever the sample counter crosses a multiple
 *     of N
 * @param everyNMinutes {@code every_n_minutes}: save when N minutes of wall-clock time passed since
 *     training (re)started or the last save of this callback; exactly one of the four is required
 * @param saveOptim {@code save_optim}: also write {@code _optim.th} (optimizer and schedule state);
 *     without it a resume starts with a fresh optimizer. Default true
 * @param saveLatest {@code save_latest}: point {@code latest} at each checkpoint once it is
 *     committed. Default true
 * @param keepLast {@code keep_last}: keep only this callback's N newest periodic checkpoints and
 *     delete older ones once a newer one is committed; null (the default) keeps all. Never touches
 *     {@code latest}, {@code last}, {@code best.*}, emergency checkpoints or other callbacks'
 *     checkpoints
 */
public record CheckpointCallbackConfig(
    @JsonPropertyDescription("save after every N-th epoch (one of every_n_*)")
        @JsonProperty(value = "every_n_epochs")
        @Nullable
        Long everyNEpochs,
    @JsonPropertyDescription("save after every N-th update (one of every_n_*)")
        @JsonProperty(value = "every_n_updates")
        @Nullable
        Long everyNUpdates,
    @JsonPropertyDescription(
            "save whenever the sample counter crosses a multiple of N (one of every_n_*)")
        @JsonProperty(value = "every_n_samples")
        @Nullable
        Long everyNSamples,
    @JsonPropertyDescription(
            "save when N minutes of wall-clock time passed since the last save (one of every_n_*)")
        @JsonProperty(value = "every_n_minutes")
        @Nullable
        Long everyNMinutes,
    @JsonPropertyDescription(
            "also write _optim.th, the optimizer and schedule state a resume needs")
        @JsonProperty(value = "save_optim")
        Boolean saveOptim,
    @JsonPropertyDescription("point latest at each checkpoint once it is complete")
        @JsonProperty(value = "save_latest")
        Boolean saveLatest,
    @JsonPropertyDescription(
            "keep only the N newest periodic checkpoints of this callback; unset keeps all")
        @JsonProperty(value = "keep_last")
        @Nullable
        Integer keepLast) {

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException when no interval or more than one is given, or a value is out
   *     of range; the message names the key
   */
  public CheckpointCallbackConfig {
    Interval interval =
        Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes);
    if (interval == null) {
      throw new IllegalArgumentException(
          "a checkpoint callback needs an interval: one of every_n_epochs, every_n_updates, every_n_samples, every_n_minutes");
    }
    if (keepLast != null && keepLast < 1) {
      throw new IllegalArgumentException(
          "keep_last must be at least 1 (or left out to keep every checkpoint), was " + keepLast);
    }
    saveOptim = saveOptim == null || saveOptim;
    saveLatest = saveLatest == null || saveLatest;
  }

  /** A config with defaults: the given interval, optimizer and {@code latest} saved, all kept. */
  public static CheckpointCallbackConfig every(Interval interval) {
    return new CheckpointCallbackConfig(
        interval.unit() == Interval.Unit.EPOCHS ? interval.every() : null,
        interval.unit() == Interval.Unit.UPDATES ? interval.every() : null,
        interval.unit() == Interval.Unit.SAMPLES ? interval.every() : null,
        interval.unit() == Interval.Unit.MINUTES ? interval.every() : null,
        true,
        true,
        null);
  }

  /** The same config with {@code keep_last}. */
  public CheckpointCallbackConfig withKeepLast(@Nullable Integer n) {
    return new CheckpointCallbackConfig(
        everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes, saveOptim, saveLatest, n);
  }

  /** The configured interval; never null. */
  public Interval interval() {
    // the constructor rejects a config without an interval
    return Objects.requireNonNull(
        Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, everyNMinutes), "interval");
  }
}
