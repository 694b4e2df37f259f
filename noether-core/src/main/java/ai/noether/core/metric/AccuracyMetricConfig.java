package ai.noether.core.metric;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Configuration of {@code kind: accuracy}.
 *
 * <pre>{@code
 * metrics:
 *   - accuracy                  # class indices against logits or probabilities [n, classes]
 *   - kind: accuracy
 *     threshold: 0.5            # binary predictions [n] or [n, 1] that are probabilities
 * }</pre>
 *
 * @param threshold {@code threshold}: a binary prediction (one value per sample) above it is class
 *     1; default 0, right for logits (the {@code sigmoid_bce} loss takes logits); 0.5 for
 *     probabilities. Ignored for predictions of two or more classes
 */
public record AccuracyMetricConfig(
    @JsonPropertyDescription(
            "binary predictions above it are class 1: 0 for logits (default), 0.5 for probabilities")
        @JsonProperty("threshold")
        Double threshold) {

  /**
   * Fills in the default.
   *
   * @throws IllegalArgumentException when the threshold is not a finite number
   */
  public AccuracyMetricConfig {
    threshold = threshold == null ? 0.0 : threshold;
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be a finite number, was " + threshold);
    }
  }
}
