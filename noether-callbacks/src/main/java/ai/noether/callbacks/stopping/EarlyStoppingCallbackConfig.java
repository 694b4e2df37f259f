package ai.noether.callbacks.stopping;

import ai.noether.api.Nullable;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Configuration of {@code kind: early-stopping}.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: early-stopping
 *       metric_key: loss/valid/total
 *       patience: 5          # values in a row without improvement before stopping
 *       min_delta: 0.001     # optional, default 0
 *       mode: min            # optional: as the training step declares the metric
 * }</pre>
 *
 * @param metricKey {@code metric_key}: the metric to watch, exactly as logged. Required
 * @param patience {@code patience}: stop once this many values in a row did not improve on the
 *     best. Required, at least 1
 * @param minDelta {@code min_delta}: a value improves only if it beats the best by more than this;
 *     default 0, never negative
 * @param mode {@code mode}: {@code min} or {@code max}; when absent, the direction the training
 *     step declares for the metric's name; a metric with neither is a configuration error
 */
public record EarlyStoppingCallbackConfig(
    @JsonProperty("metric_key") String metricKey,
    @JsonProperty("patience") Integer patience,
    @JsonProperty("min_delta") Double minDelta,
    @JsonProperty("mode") @Nullable String mode) {

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key that is missing or invalid
   */
  public EarlyStoppingCallbackConfig {
    if (metricKey == null || metricKey.isBlank()) {
      throw new IllegalArgumentException(
          "metric_key is required, e.g. metric_key: loss/valid/total");
    }
    if (patience == null || patience < 1) {
      throw new IllegalArgumentException(
          "patience must be a whole number of at least 1 (evaluations without improvement), was "
              + patience);
    }
    if (minDelta != null && !(minDelta >= 0 && Double.isFinite(minDelta))) {
      throw new IllegalArgumentException(
          "min_delta must be zero or a positive number, was " + minDelta);
    }
    minDelta = minDelta == null ? 0.0 : minDelta;
    if (mode != null) {
      Direction.parse(mode, "mode");
    }
  }

  /** A config with {@code min_delta: 0}, in the step's direction. */
  public static EarlyStoppingCallbackConfig of(String metricKey, int patience) {
    return new EarlyStoppingCallbackConfig(metricKey, patience, 0.0, null);
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
