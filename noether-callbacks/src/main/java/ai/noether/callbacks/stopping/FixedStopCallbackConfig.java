package ai.noether.callbacks.stopping;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Configuration of {@code kind: fixed-stop}: stop once a counter reaches a value, before the
 * trainer's own limit (e.g. to train a long schedule only partly).
 *
 * <pre>{@code
 * trainer:
 *   max_epochs: 100
 *   callbacks:
 *     - kind: fixed-stop
 *       at_epoch: 10       # or at_update / at_sample
 * }</pre>
 *
 * @param atEpoch {@code at_epoch}: stop when the epoch counter reaches this value
 * @param atUpdate {@code at_update}: stop when the update counter reaches this value
 * @param atSample {@code at_sample}: stop at the first update at which at least this many samples
 *     were seen; exactly one of the three is required, each at least 1
 */
public record FixedStopCallbackConfig(
    @JsonProperty("at_epoch") Long atEpoch,
    @JsonProperty("at_update") Long atUpdate,
    @JsonProperty("at_sample") Long atSample) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when not exactly one key is given or its value is below 1
   */
  public FixedStopCallbackConfig {
    int given = (atEpoch != null ? 1 : 0) + (atUpdate != null ? 1 : 0) + (atSample != null ? 1 : 0);
    if (given != 1) {
      throw new IllegalArgumentException(
          "fixed-stop needs exactly one of at_epoch, at_update, at_sample; got " + given);
    }
    check("at_epoch", atEpoch);
    check("at_update", atUpdate);
    check("at_sample", atSample);
  }

  private static void check(String key, Long value) {
    if (value != null && value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, was " + value);
    }
  }
}
