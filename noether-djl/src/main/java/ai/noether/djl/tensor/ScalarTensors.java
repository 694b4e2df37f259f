package ai.noether.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Constants for arithmetic that autograd records, in memory that PyTorch owns.
 *
 * <p>DJL's {@code NDArray.mul(Number)}, {@code sub(Number)}, {@code maximum(Number)} and their
 * siblings wrap the number in a tensor that <em>shares</em> a Java direct buffer and drop the
 * buffer as soon as the operation returns. When the operation is recorded for backward (its other
 * operand requires a gradient), PyTorch keeps that tensor for the backward pass; if the garbage
 * collector runs before backward, the buffer is freed and backward reads whatever the allocator put
 * there — wrong gradients, at random, only under memory pressure. Use {@code
 * x.mul(ScalarTensors.like(x, 0.5))} instead of {@code x.mul(0.5f)} in losses and forward passes.
 * Code that runs with recording off (optimizer updates, EMA) is not affected.
 */
public final class ScalarTensors {
  private ScalarTensors() {}

  /**
   * A scalar (shape {@code []}) holding {@code value}, of {@code like}'s data type, on its device,
   * attached to its manager (and to the open {@code NDScope}, if any).
   */
  public static NDArray like(NDArray like, double value) {
    DataType type = like.getDataType();
    try (NDArray wrapped = like.getManager().create(value)) {
      // A conversion always allocates; for float64 the copy must be asked for. Either way the
      // result no longer aliases the direct buffer DJL wrapped the value in.
      return type == DataType.FLOAT64 ? wrapped.duplicate() : wrapped.toType(type, false);
    }
  }
}
