package ai.noether.djl.model.mlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration of an {@code mlp} model: {@code Linear → activation → [Dropout] → ... →
 * Linear}.
 *
 * <pre>{@code
 * model:
 *   kind: mlp
 *   input_size: 14          # features per sample
 *   hidden_sizes: [64, 64]  # one hidden layer per entry; [] for a linear model
 *   output_size: 1          # outputs per sample (classes for classification)
 *   activation: relu        # relu | tanh | gelu (default relu)
 *   dropout: 0.1            # dropout after each hidden activation; 0 for none (default)
 * }</pre>
 *
 * @param inputSize features per sample; required, positive
 * @param hiddenSizes widths of the hidden layers, in order; never null after binding, possibly
 *     empty
 * @param outputSize outputs per sample; required, positive
 * @param activation the hidden-layer activation; never null after binding
 * @param dropout dropout probability after each hidden activation, in {@code [0, 1)}
 */
public record MlpConfig(
    @JsonPropertyDescription("features per sample")
        @JsonProperty(value = "input_size", required = true)
        Integer inputSize,
    @JsonPropertyDescription("widths of the hidden layers, in order; [] for a linear model")
        @JsonProperty("hidden_sizes")
        List<Integer> hiddenSizes,
    @JsonPropertyDescription("outputs per sample (classes for classification)")
        @JsonProperty(value = "output_size", required = true)
        Integer outputSize,
    @JsonPropertyDescription("the hidden-layer activation: relu, tanh or gelu")
        @JsonProperty("activation")
        String activation,
    @JsonPropertyDescription("dropout probability after each hidden activation, in [0, 1)")
        @JsonProperty("dropout")
        Double dropout) {

  public MlpConfig {
    requirePositive("input_size", inputSize);
    requirePositive("output_size", outputSize);
    hiddenSizes = hiddenSizes == null ? List.of() : List.copyOf(hiddenSizes);
    for (int i = 0; i < hiddenSizes.size(); i++) {
      requirePositive("hidden_sizes[" + i + "]", hiddenSizes.get(i));
    }
    activation = MlpActivation.parse(activation == null ? "relu" : activation).yamlName();
    dropout = dropout == null ? 0.0 : dropout;
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("mlp dropout must be in [0, 1), was " + dropout);
    }
  }

  /** A config with the default activation ({@code relu}) and no dropout. */
  public static MlpConfig of(int inputSize, List<Integer> hiddenSizes, int outputSize) {
    return new MlpConfig(inputSize, hiddenSizes, outputSize, "relu", 0.0);
  }

  /** The parsed activation. */
  public MlpActivation activationKind() {
    return MlpActivation.parse(activation);
  }

  /** The architecture as plain values, as saved in {@code model_config} (integers as longs). */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", MlpModelFactory.KIND);
    out.put("input_size", (long) inputSize);
    List<Object> hidden = new ArrayList<>();
    hiddenSizes.forEach(h -> hidden.add((long) h));
    out.put("hidden_sizes", hidden);
    out.put("output_size", (long) outputSize);
    out.put("activation", activation);
    out.put("dropout", dropout);
    return out;
  }

  private static void requirePositive(String key, Integer value) {
    if (value == null || value <= 0) {
      throw new IllegalArgumentException(
          "mlp " + key + " must be a positive integer, was " + value);
    }
  }
}
