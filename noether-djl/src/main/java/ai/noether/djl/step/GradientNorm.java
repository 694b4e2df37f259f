package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.model.DjlModel;

/** The norm {@code log_grad_norm: true} reports after each update's backward pass. */
final class GradientNorm {
  private GradientNorm() {}

  /**
   * The L2 norm of all gradients of {@code model} together (the norm of the per-parameter norms),
   * as PyTorch's {@code clip_grad_norm_} returns it; 0 without gradients. Reads the gradients only;
   * temporaries belong to the caller's scope.
   */
  static double of(DjlModel model) {
    return GradMode.withoutRecording(
        () -> {
          double sumOfSquares = 0;
          NDList norms = new NDList();
          for (Parameter p : model.djlParameters().values()) {
            if (!p.requiresGradient() || !p.isInitialized()) {
              continue;
            }
            NDArray g = Gradients.gradientOrNull(p.getArray());
            if (g != null) {
              norms.add(g.norm());
            }
          }
          if (!norms.isEmpty()) {
            NDArray all = NDArrays.stack(norms);
            sumOfSquares = all.mul(all).sum().toType(DataType.FLOAT64, false).getDouble();
          }
          return Math.sqrt(sumOfSquares);
        });
  }
}
