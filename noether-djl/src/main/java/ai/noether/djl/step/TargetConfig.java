package ai.noether.djl.step;

import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * One entry of the supervised step's {@code targets:}: how a target field is compared with the
 * model's prediction for it.
 *
 * <pre>{@code
 * targets:
 *   rul:                          # the target field's name
 *     loss: mse                   # default: the step's loss
 *     weight: 0.5                 # default 1.0
 *     metrics: [rmse, mae]        # metric kinds evaluated per batch (default none)
 *   health:
 *     loss: softmax-cross-entropy
 *     weight: 0.5
 *     head: health_logits         # the prediction's name (default: the target's name)
 * }</pre>
 *
 * @param loss the loss kind; null for the step's {@code loss}
 * @param weight the factor of this target's loss in the total loss; null for 1.0
 * @param head the name of the model output this target is compared with; null for the target's own
 *     name. When no output of the model carries a name, targets take the outputs by position.
 * @param metrics metric kinds, each a name ({@code rmse}) or a block ({@code {kind: f1, ...}});
 *     null or empty for none
 */
public record TargetConfig(
    @JsonProperty("loss")
        @JsonPropertyDescription("the loss kind (default: the step's loss)")
        @Nullable
        String loss,
    @JsonProperty("weight")
        @JsonPropertyDescription("factor of this loss in the total (default 1.0)")
        @Nullable
        Double weight,
    @JsonProperty("head")
        @JsonPropertyDescription(
            "name of the model output for this target (default: the target's name)")
        @Nullable
        String head,
    @JsonProperty("metrics")
        @JsonPropertyDescription("metric kinds evaluated per batch, e.g. [rmse, mae]")
        @Nullable
        List<Object> metrics) {

  public TargetConfig {
    if (loss != null) {
      loss = LossKind.parse(loss).yamlName();
    }
    if (weight != null && !(weight >= 0 && Double.isFinite(weight))) {
      throw new IllegalArgumentException(
          "weight must be a finite number of at least 0, was " + weight);
    }
    if (head != null && head.isBlank()) {
      throw new IllegalArgumentException("head must name a model output, was empty");
    }
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
  }

  /** A target with this loss and weight and the defaults for the rest. */
  public static TargetConfig of(String loss, double weight) {
    return new TargetConfig(loss, weight, null, null);
  }

  /** This target with these metric entries. */
  public TargetConfig withMetrics(List<Object> entries) {
    return new TargetConfig(loss, weight, head, entries);
  }
}
