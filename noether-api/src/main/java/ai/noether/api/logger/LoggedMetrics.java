package ai.noether.api.logger;

import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Values logged together at one iteration, in logging order.
 *
 * @param iteration the counters when they were logged; never null
 * @param metrics metric key to value, unmodifiable, in logging order
 */
public record LoggedMetrics(TrainingIteration iteration, Map<String, Double> metrics) {
  public LoggedMetrics {
    Objects.requireNonNull(iteration, "iteration");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
