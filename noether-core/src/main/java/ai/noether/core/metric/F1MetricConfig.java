package ai.noether.core.metric;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Locale;

/**
 * Configuration of {@code kind: f1}.
 *
 * <pre>{@code
 * metrics:
 *   - f1                        # binary: the F1 score of class 1
 *   - kind: f1
 *     average: macro            # the unweighted mean of every class's F1
 *     threshold: 0.5            # binary predictions [n] or [n, 1] that are probabilities
 * }</pre>
 *
 * @param average {@code average}: {@code binary} (default), the F1 score of class 1, for
 *     predictions of one value per sample or of two classes; or {@code macro}, the mean of the F1
 *     scores of every class that occurs among the targets or the predictions of the split (as
 *     scikit-learn's {@code f1_score(average="macro")})
 * @param threshold {@code threshold}: a binary prediction above it is class 1; default 0 (logits),
 *     0.5 for probabilities
 */
public record F1MetricConfig(
    @JsonPropertyDescription("binary (default): F1 of class 1; macro: the mean F1 over classes")
        @JsonProperty("average")
        String average,
    @JsonPropertyDescription(
            "binary predictions above it are class 1: 0 for logits (default), 0.5 for probabilities")
        @JsonProperty("threshold")
        Double threshold) {

  /** {@code binary}. */
  public static final String BINARY = "binary";

  /** {@code macro}. */
  public static final String MACRO = "macro";

  /**
   * Fills in defaults.
   *
   * @throws IllegalArgumentException naming the key whose value is not valid
   */
  public F1MetricConfig {
    average = average == null ? BINARY : average.strip().toLowerCase(Locale.ROOT);
    if (!average.equals(BINARY) && !average.equals(MACRO)) {
      throw new IllegalArgumentException("average must be binary or macro, was '" + average + "'");
    }
    threshold = threshold == null ? 0.0 : threshold;
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be a finite number, was " + threshold);
    }
  }

  /** True for {@code average: macro}. */
  public boolean macro() {
    return average.equals(MACRO);
  }
}
