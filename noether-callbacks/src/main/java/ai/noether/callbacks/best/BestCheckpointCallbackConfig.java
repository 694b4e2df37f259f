package ai.noether.callbacks.best;

import ai.noether.callbacks.metric.MetricMode;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Configuration of {@code kind: best-checkpoint}.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: best-checkpoint
 *       metric_key: loss/valid/total
 *       mode: min              # optional: inferred from the key (loss/error/mse/... min, accuracy/f1/auc/... max)
 *       tolerances: [3, 10]    # optional
 *       save_ema: true         # optional: the EMA weights under the best tag too
 * }</pre>
 *
 * @param metricKey {@code metric_key}: the metric to watch, exactly as logged (e.g.
 *     {@code loss/valid/total}, {@code accuracy/valid}, {@code loss/valid/total/ema=0.9999}).
 *     Required
 * @param mode {@code mode}: {@code min} or {@code max}; when absent it is inferred from the
 *     words of the metric key, and a key whose words do not tell is an error
 * @param tolerances {@code tolerances}: for each N, also keep the checkpoint early stopping with
 *     {@code patience: N} would have ended with: it follows the best checkpoint until, for the
 *     first time, N values in a row failed to improve on the best, and is frozen from then on.
 *     Written under {@code best.{metric}.tolerance{N}}. Each N at least 1; default none
 * @param saveEma {@code save_ema}: also write the extra model files other callbacks add to every
 *     checkpoint (the {@code ema} callback's {@code {model}_ema={factor}} weights, as of the
 *     evaluation that set the new best) under the best and tolerance tags, so that an initializer
 *     can take the EMA weights of the best checkpoint; default false
 */
public record BestCheckpointCallbackConfig(
    @JsonPropertyDescription("the metric to watch, exactly as logged, e.g. loss/valid/total")
    @JsonProperty(value = "metric_key", required = true) String metricKey,
    @JsonPropertyDescription("min or max; inferred from the metric when absent")
    @JsonProperty(value = "mode", defaultValue = "inferred") String mode,
    @JsonPropertyDescription("for each N, also keep the checkpoint early stopping with patience N would stop at")
    @JsonProperty(value = "tolerances") List<Integer> tolerances,
    @JsonPropertyDescription("also save the extra model files other callbacks add to checkpoints (the EMA weights)"
        + " under the best tag")
    @JsonProperty(value = "save_ema") Boolean saveEma) {

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key that is missing or invalid
   */
  public BestCheckpointCallbackConfig {
    if (metricKey == null || metricKey.isBlank()) {
      throw new IllegalArgumentException("metric_key is required, e.g. metric_key: loss/valid/total");
    }
    MetricMode.resolve(mode, metricKey, "mode");
    List<Integer> checked = new ArrayList<>();
    for (Integer t : tolerances == null ? List.<Integer>of() : tolerances) {
      if (t == null || t < 1) {
        throw new IllegalArgumentException("tolerances must be whole numbers of at least 1, e.g. [3, 10], found " + t);
      }
      checked.add(t);
    }
    tolerances = List.copyOf(new TreeSet<>(checked));
    saveEma = saveEma != null && saveEma;
  }

  /** A config watching {@code metricKey} with the inferred mode and no tolerances. */
  public static BestCheckpointCallbackConfig of(String metricKey) {
    return new BestCheckpointCallbackConfig(metricKey, null, null, null);
  }

  /** The mode: the configured one, or the one the metric key's words imply. */
  public MetricMode metricMode() {
    return MetricMode.resolve(mode, metricKey, "mode");
  }
}
