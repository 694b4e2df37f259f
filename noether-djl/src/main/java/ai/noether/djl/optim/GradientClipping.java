package ai.noether.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.noether.api.Nullable;
import java.util.List;

/**
 * Gradient clipping as PyTorch's {@code torch.nn.utils.clip_grad_value_} and {@code
 * clip_grad_norm_} define it, applied before every update:
 *
 * <ol>
 *   <li>{@code clip_grad_value: v} clamps every gradient element into {@code [-v, v]};
 *   <li>{@code clip_grad_norm: n} computes the L2 norm of all gradients together (the norm of the
 *       per-parameter norms) and, when it exceeds {@code n}, scales every gradient by {@code n /
 *       (norm + 1e-6)}.
 * </ol>
 */
final class GradientClipping {
  private final @Nullable Double maxNorm;
  private final @Nullable Double maxValue;

  GradientClipping(@Nullable Double maxNorm, @Nullable Double maxValue) {
    this.maxNorm = maxNorm;
    this.maxValue = maxValue;
  }

  /**
   * Applies value clipping by replacing entries of {@code gradients} with clipped copies, and
   * returns the factor by which norm clipping scales every gradient (1 when it does not).
   * Temporaries belong to the caller's {@code NDScope}.
   */
  float apply(List<NDArray> gradients) {
    if (maxValue != null) {
      for (int i = 0; i < gradients.size(); i++) {
        gradients.set(i, gradients.get(i).clip(-maxValue, maxValue));
      }
    }
    if (maxNorm == null || gradients.isEmpty()) {
      return 1f;
    }
    NDList norms = new NDList(gradients.size());
    for (NDArray g : gradients) {
      norms.add(g.norm());
    }
    double total = NDArrays.stack(norms).norm().getFloat();
    double factor = maxNorm / (total + 1e-6);
    return factor < 1 ? (float) factor : 1f;
  }
}
