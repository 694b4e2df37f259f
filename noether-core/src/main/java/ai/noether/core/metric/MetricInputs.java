package ai.noether.core.metric;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads the host tensors a metric's accumulator receives: values of any numeric dtype as doubles,
 * and the checks that predictions and targets belong to the same samples. Failures are {@link
 * IllegalArgumentException}s that name the metric and the shapes.
 */
final class MetricInputs {
  private MetricInputs() {}

  /** The values in row-major order, as doubles; float16 and bfloat16 are widened exactly. */
  static double[] values(String metric, String role, HostTensor t) {
    long n = t.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          metric
              + ": the "
              + role
              + " batch of "
              + n
              + " values is too large for one"
              + " metric batch; evaluate with a smaller eval batch size");
    }
    double[] out = new double[(int) n];
    int i = 0;
    for (ByteBuffer chunk : t.chunks()) {
      ByteBuffer b = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= t.dtype().byteSize()) {
        out[i++] = read(metric, role, t.dtype(), b);
      }
    }
    return out;
  }

  private static double read(String metric, String role, DType dtype, ByteBuffer b) {
    switch (dtype) {
      case FLOAT32:
        return b.getFloat();
      case FLOAT64:
        return b.getDouble();
      case INT64:
        return b.getLong();
      case INT32:
        return b.getInt();
      case INT16:
        return b.getShort();
      case INT8:
        return b.get();
      case UINT8:
        return b.get() & 0xff;
      case BOOL:
        return b.get() != 0 ? 1 : 0;
      case BFLOAT16:
        return Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
      case FLOAT16:
        return halfToFloat(b.getShort());
      default:
        throw new IllegalArgumentException(metric + ": cannot read " + role + " of dtype " + dtype);
    }
  }

  /** IEEE 754 binary16 to float, exactly (subnormals, infinities and NaN included). */
  private static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Rows of a batch: the first dimension (1 for a scalar). */
  static long rows(HostTensor t) {
    return t.shape().length == 0 ? 1 : t.shape()[0];
  }

  /** Values per row. */
  static long perRow(HostTensor t) {
    long rows = rows(t);
    return rows == 0 ? 0 : t.elementCount() / rows;
  }

  /**
   * Fails unless predictions and targets have the same rows and the same number of values per row
   * ({@code [n]} pairs with {@code [n, 1]}).
   */
  static void requirePaired(String metric, HostTensor predictions, HostTensor targets) {
    if (rows(predictions) != rows(targets)
        || predictions.elementCount() != targets.elementCount()) {
      throw new IllegalArgumentException(
          metric
              + ": predictions "
              + Arrays.toString(predictions.shape())
              + " and targets "
              + Arrays.toString(targets.shape())
              + " do not pair up value by value; "
              + metric
              + " compares each predicted"
              + " value with the target value of the same sample (shapes [n] and [n, 1] pair up)");
    }
  }

  static String shape(HostTensor t) {
    return Arrays.toString(t.shape());
  }
}
