package ai.noether.java;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one checkpoint on one split, for each variant of its weights.
 *
 * @param source {@code run/stage@tag} or the model file
 * @param split {@code train}, {@code valid} or {@code test}
 * @param samples the split's size
 * @param metrics metric key to value for each variant evaluated: {@code ""} is the trained weights,
 *     {@code ema=0.999} the EMA weights, in the order evaluated; never null
 */
public record Evaluation(
    String source, String split, long samples, Map<String, Map<String, Double>> metrics) {
  public Evaluation {
    Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
    metrics.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    metrics = Collections.unmodifiableMap(copy);
  }

  /** The metrics of the trained weights (or of the only variant evaluated). */
  public Map<String, Double> primary() {
    return metrics.containsKey("") ? metrics.get("") : metrics.values().iterator().next();
  }
}
