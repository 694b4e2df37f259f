package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.noether.djl.tensor.ScalarTensors;
import java.util.Arrays;

/**
 * The built-in losses with PyTorch's definitions and mean reduction. Each takes predictions and
 * targets of the same number of samples; shapes that differ only by unit dimensions ({@code [N, 1]}
 * against {@code [N]}) are aligned first instead of broadcast into a matrix.
 */
public final class Losses {
  // Constants in recorded arithmetic come from ScalarTensors, never from DJL's Number overloads:
  // those leave backward reading memory the garbage collector may already have freed.
  private Losses() {}

  /** Mean of {@code (p - t)^2}. */
  public static NDArray mse(NDArray predictions, NDArray targets) {
    return predictions.sub(aligned(predictions, targets)).square().mean();
  }

  /** Mean of {@code |p - t|}. */
  public static NDArray l1(NDArray predictions, NDArray targets) {
    return predictions.sub(aligned(predictions, targets)).abs().mean();
  }

  /** Mean of {@code 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - delta / 2)}. */
  public static NDArray huber(NDArray predictions, NDArray targets, double delta) {
    NDArray d = predictions.sub(aligned(predictions, targets)).abs();
    NDArray quadratic = d.square().mul(ScalarTensors.like(d, 0.5));
    NDArray linear = d.sub(ScalarTensors.like(d, delta / 2)).mul(ScalarTensors.like(d, delta));
    return NDArrays.where(d.lt((float) delta), quadratic, linear).mean();
  }

  /**
   * Mean negative log-likelihood of the target classes under {@code softmax(logits)}.
   *
   * @param logits {@code [N, classes]}
   * @param classes {@code [N]} or {@code [N, 1]} class indices (any numeric type)
   */
  public static NDArray softmaxCrossEntropy(NDArray logits, NDArray classes) {
    NDArray index = classIndices(logits, classes).reshape(-1, 1);
    return logits.logSoftmax(-1).gather(index, 1).neg().mean();
  }

  /** Mean of {@code max(x, 0) - x t + log(1 + exp(-|x|))}, the stable form of BCE on logits. */
  public static NDArray sigmoidBce(NDArray logits, NDArray targets) {
    NDArray t = aligned(logits, targets);
    if (t.getDataType() != logits.getDataType()) {
      t = t.toType(logits.getDataType(), false);
    }
    NDArray zero = ScalarTensors.like(logits, 0);
    NDArray one = ScalarTensors.like(logits, 1);
    return logits
        .maximum(zero)
        .sub(logits.mul(t))
        .add(logits.abs().neg().exp().add(one).log())
        .mean();
  }

  /** The number of samples whose largest logit is the target class. */
  static long correctClasses(NDArray logits, NDArray classes) {
    return logits.argMax(-1).eq(classIndices(logits, classes)).countNonzero().getLong();
  }

  /** The number of output values whose logit is on the target's side of zero. */
  static long correctBinary(NDArray logits, NDArray targets) {
    NDArray expected = aligned(logits, targets).toType(DataType.FLOAT32, false).gt(0.5f);
    return logits.gt(0f).eq(expected).countNonzero().getLong();
  }

  private static NDArray classIndices(NDArray logits, NDArray classes) {
    long samples = logits.getShape().get(0);
    if (classes.getShape().size() != samples) {
      throw new IllegalArgumentException(
          "softmax-cross-entropy needs one class index per sample: logits "
              + logits.getShape()
              + ", targets "
              + classes.getShape());
    }
    NDArray flat = classes.reshape(samples);
    return flat.getDataType() == DataType.INT64 ? flat : flat.toType(DataType.INT64, false);
  }

  /** The targets in the predictions' shape, when the element counts agree. */
  static NDArray aligned(NDArray predictions, NDArray targets) {
    if (predictions.getShape().equals(targets.getShape())) {
      return targets;
    }
    if (predictions.getShape().size() != targets.getShape().size()) {
      throw new IllegalArgumentException(
          "predictions "
              + Arrays.toString(predictions.getShape().getShape())
              + " and targets "
              + Arrays.toString(targets.getShape().getShape())
              + " do not have the same number of values");
    }
    return targets.reshape(predictions.getShape());
  }
}
