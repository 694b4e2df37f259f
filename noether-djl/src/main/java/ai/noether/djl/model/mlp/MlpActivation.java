package ai.noether.djl.model.mlp;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The hidden-layer activations of an {@code mlp}; the YAML names are contracts. */
public enum MlpActivation {
  /** {@code relu}: PyTorch's {@code nn.ReLU}. */
  RELU,
  /** {@code tanh}: PyTorch's {@code nn.Tanh}. */
  TANH,
  /** {@code gelu}: PyTorch's {@code nn.GELU()} (exact, erf-based). */
  GELU;

  /** The YAML name. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A new parameterless DJL block applying this activation. */
  public Block newBlock() {
    switch (this) {
      case RELU:
        return Activation.reluBlock();
      case TANH:
        return Activation.tanhBlock();
      case GELU:
        return Activation.geluBlock();
      default:
        throw new IllegalStateException("unhandled activation " + this);
    }
  }

  /**
   * Parses a YAML name (case-insensitive).
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static MlpActivation parse(String text) {
    for (MlpActivation a : values()) {
      if (a.yamlName().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "mlp activation '"
            + text
            + "' is not known; valid: "
            + Arrays.stream(values())
                .map(MlpActivation::yamlName)
                .collect(Collectors.joining(", ")));
  }
}
