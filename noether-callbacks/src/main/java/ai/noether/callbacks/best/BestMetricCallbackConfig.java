package ai.noether.callbacks.best;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Configuration of {@code kind: best-metric}.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: best-metric
 *       source_key: loss/valid/total
 *       target_keys: [accuracy/valid]   # optional: default every metric logged together with the source
 *       mode: min                       # optional: as the training step declares the source
 * }</pre>
 *
 * @param sourceKey {@code source_key}: the metric whose best value selects the iteration. Required
 * @param targetKeys {@code target_keys}: the metrics to report at that iteration; when absent or
 *     empty, every other metric logged together with the source (e.g. the other results of the same
 *     evaluation)
 * @param mode {@code mode}: {@code min} or {@code max} for the source; when absent, the direction
 *     the training step declares for the source's metric name; a metric with neither is a
 *     configuration error
 */
public record BestMetricCallbackConfig(
    @JsonProperty("source_key") String sourceKey,
    @JsonProperty("target_keys") List<String> targetKeys,
    @JsonProperty("mode") String mode) {

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key that is missing or invalid
   */
  public BestMetricCallbackConfig {
    if (sourceKey == null || sourceKey.isBlank()) {
      throw new IllegalArgumentException(
          "source_key is required, e.g. source_key: loss/valid/total");
    }
    if (mode != null) {
      Direction.parse(mode, "mode");
    }
    if (targetKeys != null && targetKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
      throw new IllegalArgumentException(
          "target_keys must list metric keys such as accuracy/valid, found " + targetKeys);
    }
    targetKeys = targetKeys == null ? List.of() : List.copyOf(targetKeys);
  }

  /**
   * The direction of the source metric: the configured {@code mode}, or what the step declares.
   *
   * @throws IllegalArgumentException when neither tells, saying how to fix it
   */
  public Direction direction(Map<String, Direction> declared) {
    return MetricDirections.resolve(mode, sourceKey, declared, "mode", "source_key");
  }
}
