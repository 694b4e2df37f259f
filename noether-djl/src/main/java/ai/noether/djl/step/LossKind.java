package ai.noether.djl.step;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The built-in losses of the supervised step; the YAML names are contracts. */
public enum LossKind {
  /** {@code mse}: mean squared error, as {@code nn.MSELoss}. */
  MSE("mse", false),
  /** {@code l1}: mean absolute error, as {@code nn.L1Loss}. */
  L1("l1", false),
  /** {@code huber}: as {@code nn.HuberLoss(delta=huber_delta)}. */
  HUBER("huber", false),
  /** {@code softmax-cross-entropy}: logits and class indices, as {@code nn.CrossEntropyLoss}. */
  SOFTMAX_CROSS_ENTROPY("softmax-cross-entropy", true),
  /** {@code sigmoid-bce}: logits and 0/1 targets, as {@code nn.BCEWithLogitsLoss}. */
  SIGMOID_BCE("sigmoid-bce", true);

  private final String yamlName;
  private final boolean classification;

  LossKind(String yamlName, boolean classification) {
    this.yamlName = yamlName;
    this.classification = classification;
  }

  /** The YAML name. */
  public String yamlName() {
    return yamlName;
  }

  /** True for the classification losses, whose evaluation also reports accuracy. */
  public boolean isClassification() {
    return classification;
  }

  /**
   * Parses a YAML name (case-insensitive).
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static LossKind parse(String text) {
    for (LossKind k : values()) {
      if (k.yamlName.equalsIgnoreCase(text == null ? "" : text.strip())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "loss '"
            + text
            + "' is not known; valid: "
            + Arrays.stream(values()).map(LossKind::yamlName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return yamlName.toLowerCase(Locale.ROOT);
  }
}
