package ai.noether.callbacks.ema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Configuration of {@code kind: ema}, exponential moving averages of the model weights.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: ema
 *       target_factors: [0.999, 0.9999]
 *       every_n_updates: 1     # default 1
 *       evaluate: true         # default false: also evaluate the EMA weights after each evaluation
 *       warmup: false          # default false
 * }</pre>
 *
 * @param targetFactors {@code target_factors}: the decay factors, each in [0, 1), no duplicates;
 *     one shadow copy of the weights per factor. Required, at least one
 * @param everyNUpdates {@code every_n_updates}: apply an EMA step after every N-th update; default
 *     1
 * @param evaluate {@code evaluate}: after each evaluation, evaluate the EMA weights of every factor
 *     too and log the results as {@code <metric>/ema=<factor>}; default false
 * @param warmup {@code warmup}: use {@code min(factor, (1 + n) / (10 + n))} as the factor of EMA
 *     step {@code n} (counting from 0), so early steps follow the weights closely instead of being
 *     anchored to the initial weights; default false
 */
public record EmaCallbackConfig(
    @JsonPropertyDescription("the decay factors, each in [0, 1); one set of EMA weights per factor")
        @JsonProperty(value = "target_factors", required = true)
        List<Double> targetFactors,
    @JsonPropertyDescription("apply an EMA step after every N-th update")
        @JsonProperty(value = "every_n_updates")
        Long everyNUpdates,
    @JsonPropertyDescription(
            "also evaluate the EMA weights after each evaluation, as <metric>/ema=<factor>")
        @JsonProperty(value = "evaluate")
        Boolean evaluate,
    @JsonPropertyDescription("use min(factor, (1 + n) / (10 + n)) as the factor of the n-th step")
        @JsonProperty(value = "warmup")
        Boolean warmup) {

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key whose value is missing or out of range
   */
  public EmaCallbackConfig {
    if (targetFactors == null || targetFactors.isEmpty()) {
      throw new IllegalArgumentException(
          "target_factors must list at least one factor in [0, 1), e.g. [0.999, 0.9999]");
    }
    List<Double> copy = new ArrayList<>(targetFactors.size());
    for (Double f : targetFactors) {
      if (f == null || !(f >= 0 && f < 1)) {
        throw new IllegalArgumentException(
            "target_factors must be numbers in [0, 1) such as 0.9999, found " + f);
      }
      copy.add(f);
    }
    if (new HashSet<>(copy).size() != copy.size()) {
      throw new IllegalArgumentException("target_factors lists a factor twice: " + copy);
    }
    targetFactors = List.copyOf(copy);
    if (everyNUpdates != null && everyNUpdates < 1) {
      throw new IllegalArgumentException(
          "every_n_updates must be at least 1, was " + everyNUpdates);
    }
    everyNUpdates = everyNUpdates == null ? 1L : everyNUpdates;
    evaluate = evaluate != null && evaluate;
    warmup = warmup != null && warmup;
  }

  /** Defaults for the given factors: a step after every update, no evaluation, no warmup. */
  public static EmaCallbackConfig of(double... factors) {
    List<Double> list = new ArrayList<>();
    for (double f : factors) {
      list.add(f);
    }
    return new EmaCallbackConfig(list, 1L, false, false);
  }
}
