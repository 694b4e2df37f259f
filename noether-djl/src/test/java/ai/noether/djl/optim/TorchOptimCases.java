package ai.noether.djl.optim;

import ai.noether.api.optim.Optimizer;
import ai.noether.djl.model.DjlModel;
import java.util.List;
import java.util.function.Function;

/**
 * What the comparisons with {@code torch.optim} feed both sides: each optimizer kind with the
 * settings the tests' {@code torch.optim} lines repeat, the weight gradient and learning rate of
 * each of ten updates, and floats written as Python literals.
 */
final class TorchOptimCases {
  private TorchOptimCases() {}

  /**
   * Our optimizer of {@code kind} ({@code adamw}, {@code adam}, {@code sgd}, {@code sgd-dampened}).
   */
  static Function<DjlModel, Optimizer> create(String kind) {
    switch (kind) {
      case "adamw":
        return m ->
            AdamOptimizer.adamW(
                m, new AdamConfig(0.1, List.of(0.8, 0.95), 1e-3, 0.1, null, null, null, null));
      case "adam":
        return m ->
            AdamOptimizer.adam(
                m, new AdamConfig(0.1, List.of(0.8, 0.95), 1e-3, 0.1, null, null, null, null));
      case "sgd":
        return m ->
            new SgdOptimizer(m, new SgdConfig(0.1, 0.9, null, true, 0.05, null, null, null, null));
      case "sgd-dampened":
        return m ->
            new SgdOptimizer(m, new SgdConfig(0.1, 0.5, 0.2, false, 0.05, null, null, null, null));
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  /** The gradient of the 1x4 weight at update {@code step}. */
  static float[] weightGradient(int step) {
    return new float[] {
      (float) Math.sin(step + 1),
      (float) Math.cos(2 * step) * 0.5f,
      0.25f - step * 0.05f,
      (float) (step % 3) - 1
    };
  }

  /** The learning rate of update {@code step}: a cosine over ten updates, down to 0.01. */
  static double lr(int step) {
    return 0.1 * (1 + Math.cos(Math.PI * step / 10)) / 2 + 0.01;
  }

  /** The values as a comma-separated list of Python float literals. */
  static String join(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (float v : values) {
      sb.append(sb.length() == 0 ? "" : ", ").append(Float.toString(v).replace("E", "e"));
    }
    return sb.toString();
  }
}
