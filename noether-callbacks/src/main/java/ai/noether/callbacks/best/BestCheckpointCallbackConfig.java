package ai.noether.callbacks.best;

import ai.noether.api.Nullable;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Configuration of {@code kind: best-checkpoint}.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: best-checkpoint
 *       metric_key: loss/valid/total
 *       mode: min              # optional: as the training step declares the metric (loss: min)
 *       save_top_k: 3          # optional: also keep the 3 best checkpoints, each under its iteration
 *       tolerances: [3, 10]    # optional
 *       save_ema: true         # optional: the EMA weights under the best tag too
 * }</pre>
 *
 * @param metricKey {@code metric_key}: the metric to watch, exactly as logged (e.g. {@code
 *     loss/valid/total}, {@code accuracy/valid}, {@code loss/valid/total/ema=0.9999}). Required
 * @param mode {@code mode}: {@code min} (lower is better) or {@code max}; when absent, the
 *     direction the training step declares for the metric's name (the first part of the key: {@code
 *     loss} for {@code loss/valid/total}); a metric with neither is a configuration error
 * @param tolerances {@code tolerances}: for each N, also keep the checkpoint early stopping with
 *     {@code patience: N} would have ended with: it follows the best checkpoint until, for the
 *     first time, N values in a row failed to improve on the best, and is frozen from then on.
 *     Written under {@code best.{metric}.tolerance{N}}. Each N at least 1; default none
 * @param saveEma {@code save_ema}: also write the extra model files other callbacks add to every
 *     checkpoint (the {@code ema} callback's {@code {model}_ema={factor}} weights, as of the
 *     evaluation that set the new best) under the best and tolerance tags, so that an initializer
 *     can take the EMA weights of the best checkpoint; default false
 * @param saveTopK {@code save_top_k}: how many of the best checkpoints to keep. 1 (default) keeps
 *     {@code best.{metric}} alone; k &gt; 1 also keeps the k best values' model files, each under
 *     {@code best.{metric}.E{epoch}_U{update}_S{sample}}, deleting the one that drops out of the k
 *     best (only tags this callback wrote and still keeps). At least 1
 */
public record BestCheckpointCallbackConfig(
    @JsonPropertyDescription("the metric to watch, exactly as logged, e.g. loss/valid/total")
        @JsonProperty(value = "metric_key", required = true)
        String metricKey,
    @JsonPropertyDescription("min or max; inferred from the metric when absent")
        @JsonProperty(value = "mode", defaultValue = "inferred")
        @Nullable
        String mode,
    @JsonPropertyDescription(
            "for each N, also keep the checkpoint early stopping with patience N would stop at")
        @JsonProperty(value = "tolerances")
        List<Integer> tolerances,
    @JsonPropertyDescription(
            "also save the extra model files other callbacks add to checkpoints (the EMA weights)"
                + " under the best tag")
        @JsonProperty(value = "save_ema")
        Boolean saveEma,
    @JsonPropertyDescription(
            "how many of the best checkpoints to keep (default 1: best.{metric} alone)")
        @JsonProperty(value = "save_top_k")
        Integer saveTopK) {

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key that is missing or invalid
   */
  public BestCheckpointCallbackConfig {
    if (metricKey == null || metricKey.isBlank()) {
      throw new IllegalArgumentException(
          "metric_key is required, e.g. metric_key: loss/valid/total");
    }
    if (mode != null) {
      Direction.parse(mode, "mode");
    }
    List<Integer> checked = new ArrayList<>();
    for (Integer t : tolerances == null ? List.<Integer>of() : tolerances) {
      if (t == null || t < 1) {
        throw new IllegalArgumentException(
            "tolerances must be whole numbers of at least 1, e.g. [3, 10], found " + t);
      }
      checked.add(t);
    }
    tolerances = List.copyOf(new TreeSet<>(checked));
    saveEma = saveEma != null && saveEma;
    if (saveTopK != null && saveTopK < 1) {
      throw new IllegalArgumentException(
          "save_top_k must be a whole number of at least 1, was " + saveTopK);
    }
    saveTopK = saveTopK == null ? 1 : saveTopK;
  }

  /** The config as it was before {@code save_top_k}: one best checkpoint. */
  public BestCheckpointCallbackConfig(
      String metricKey, @Nullable String mode, List<Integer> tolerances, Boolean saveEma) {
    this(metricKey, mode, tolerances, saveEma, 1);
  }

  /** A config watching {@code metricKey} in the step's direction, with no tolerances. */
  public static BestCheckpointCallbackConfig of(String metricKey) {
    return new BestCheckpointCallbackConfig(metricKey, null, List.of(), false);
  }

  /**
   * The direction: the configured {@code mode}, or what the training step declares.
   *
   * @throws IllegalArgumentException when neither tells, saying how to fix it
   */
  // MetricDirections.resolve takes a null mode (none configured: the declared direction), which
  // its api signature does not declare yet
  @SuppressWarnings("NullAway")
  public Direction direction(Map<String, Direction> declared) {
    return MetricDirections.resolve(mode, metricKey, declared, "mode", "metric_key");
  }
}
