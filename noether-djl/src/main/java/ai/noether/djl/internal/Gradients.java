package ai.noether.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.noether.api.Nullable;

/** Access to parameter gradients that distinguishes "no gradient yet" from a zero gradient. */
public final class Gradients {
  private Gradients() {}

  /**
   * The gradient of {@code parameter}, or null when backward never reached it. The returned array
   * is a new handle attached to the parameter's manager (or the open {@code NDScope}); close it.
   */
  public static @Nullable NDArray gradientOrNull(NDArray parameter) {
    if (parameter instanceof PtNDArray pt) {
      return JniUtils.getGradient(pt);
    }
    return parameter.hasGradient() ? parameter.getGradient() : null;
  }

  /** Sets the gradient of {@code parameter} to zero in place, without allocating. */
  public static void zero(NDArray parameter) {
    if (parameter instanceof PtNDArray pt) {
      JniUtils.zeroGrad(pt);
    } else if (parameter.hasGradient()) {
      try (NDArray g = parameter.getGradient()) {
        g.subi(g);
      }
    }
  }
}
