package ai.noether.callbacks.test;

import ai.noether.api.checkpoint.CheckpointSelector;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Configuration of {@code kind: test-evaluation}.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: test-evaluation
 *       checkpoints: [best.rmse~valid~rul]   # default [final]: the weights training ended with
 *       model_info: [ema=0.99]               # optional: also these model files of each checkpoint
 *       split: test                          # default
 * }</pre>
 *
 * @param checkpoints {@code checkpoints}: what to evaluate: {@code final} (the weights at the end
 *     of training) or a checkpoint selector of this stage ({@code best.<metric>}, {@code last},
 *     {@code E10}, ...); default {@code [final]}
 * @param modelInfo {@code model_info}: besides the model itself, the model files of each checkpoint
 *     with these model infos (the {@code ema} callback's {@code ema=<factor>}); default none
 * @param split {@code split}: {@code test} (default) or {@code valid}
 */
public record TestEvaluationCallbackConfig(
    @JsonPropertyDescription(
            "final (the weights training ended with) or checkpoint selectors such as best.loss~valid~total")
        @JsonProperty(value = "checkpoints")
        List<String> checkpoints,
    @JsonPropertyDescription(
            "also evaluate these model files of each checkpoint, e.g. [ema=0.9999]")
        @JsonProperty(value = "model_info")
        List<String> modelInfo,
    @JsonPropertyDescription("the split to evaluate: test (default) or valid")
        @JsonProperty(value = "split")
        String split) {

  /** The {@code checkpoints} entry for the weights at the end of training. */
  public static final String FINAL = "final";

  /** The test split. */
  public static final String TEST = "test";

  /** The validation split. */
  public static final String VALID = "valid";

  /**
   * Validates and fills in defaults.
   *
   * @throws IllegalArgumentException naming the key whose value is invalid
   */
  public TestEvaluationCallbackConfig {
    List<String> c = new ArrayList<>();
    for (String s : checkpoints == null || checkpoints.isEmpty() ? List.of(FINAL) : checkpoints) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(
            "checkpoints must list final or checkpoint selectors such as best.loss~valid~total,"
                + " found an empty entry");
      }
      String t = s.strip();
      if (!t.equals(FINAL)) {
        try {
          CheckpointSelector.parse(t);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "checkpoints: " + e.getMessage() + "; or final for the weights training ended with",
              e);
        }
      }
      c.add(t);
    }
    if (new LinkedHashSet<>(c).size() != c.size()) {
      throw new IllegalArgumentException("checkpoints lists an entry twice: " + c);
    }
    checkpoints = List.copyOf(c);
    List<String> m = new ArrayList<>();
    for (String s : modelInfo == null ? List.<String>of() : modelInfo) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(
            "model_info must list model infos such as ema=0.9999, found an empty entry");
      }
      m.add(s.strip());
    }
    modelInfo = List.copyOf(m);
    split = split == null ? TEST : split.strip();
    if (!split.equals(TEST) && !split.equals(VALID)) {
      throw new IllegalArgumentException("split must be test or valid, was '" + split + "'");
    }
  }
}
