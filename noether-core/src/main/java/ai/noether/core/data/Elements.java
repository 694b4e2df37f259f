package ai.noether.core.data;

import ai.noether.api.tensor.DType;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and writes single elements of the numeric dtypes at absolute byte offsets of little-endian
 * buffers, converting between them: what a dataset field needs to present a file's values in the
 * dtype the model and the loss expect (a float64 {@code .npy} as float32, a text column as int64
 * class indices).
 */
public final class Elements {
  /** The dtypes a field may be converted to; float16 and bfloat16 are read but not written. */
  public static final Set<DType> WRITABLE =
      EnumSet.of(
          DType.FLOAT32,
          DType.FLOAT64,
          DType.INT8,
          DType.UINT8,
          DType.INT16,
          DType.INT32,
          DType.INT64,
          DType.BOOL);

  private Elements() {}

  public static boolean isInteger(DType t) {
    return !t.isFloatingPoint();
  }

  public static String names(Set<DType> types) {
    return String.join(", ", types.stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
  }

  /** The element at {@code index} (a byte offset) of {@code b}, as a double. */
  public static double getDouble(ByteBuffer b, int index, DType t) {
    return switch (t) {
      case FLOAT32 -> b.getFloat(index);
      case FLOAT64 -> b.getDouble(index);
      case FLOAT16 -> halfToFloat(b.getShort(index));
      case BFLOAT16 -> Float.intBitsToFloat((b.getShort(index) & 0xffff) << 16);
      default -> getLong(b, index, t);
    };
  }

  /** The integer element at {@code index}; floats are not read here. */
  public static long getLong(ByteBuffer b, int index, DType t) {
    return switch (t) {
      case INT8 -> b.get(index);
      case UINT8 -> b.get(index) & 0xff;
      case BOOL -> b.get(index) != 0 ? 1 : 0;
      case INT16 -> b.getShort(index);
      case INT32 -> b.getInt(index);
      case INT64 -> b.getLong(index);
      default -> throw new IllegalArgumentException(t + " is not an integer type");
    };
  }

  /**
   * Writes {@code v} as a {@code t} at byte offset {@code index}; integers are truncated toward
   * zero.
   */
  public static void putDouble(ByteBuffer b, int index, DType t, double v) {
    switch (t) {
      case FLOAT32 -> b.putFloat(index, (float) v);
      case FLOAT64 -> b.putDouble(index, v);
      default -> putLong(b, index, t, (long) v);
    }
  }

  public static void putLong(ByteBuffer b, int index, DType t, long v) {
    switch (t) {
      case INT8, UINT8 -> b.put(index, (byte) v);
      case BOOL -> b.put(index, (byte) (v != 0 ? 1 : 0));
      case INT16 -> b.putShort(index, (short) v);
      case INT32 -> b.putInt(index, (int) v);
      case INT64 -> b.putLong(index, v);
      case FLOAT32 -> b.putFloat(index, v);
      case FLOAT64 -> b.putDouble(index, v);
      default ->
          throw new IllegalArgumentException(
              "values cannot be written as " + t + "; writable: " + names(WRITABLE));
    }
  }

  /**
   * Converts {@code count} elements from {@code in} (a {@code from} at byte {@code inIndex}) to
   * {@code out} (a {@code to} at byte {@code outIndex}). Integers move between integer types
   * without passing through a double, so int64 values stay exact.
   */
  public static void convert(
      ByteBuffer in, int inIndex, DType from, ByteBuffer out, int outIndex, DType to, int count) {
    int inStep = from.byteSize();
    int outStep = to.byteSize();
    boolean integral = isInteger(from) && isInteger(to);
    for (int i = 0; i < count; i++) {
      if (integral) {
        putLong(out, outIndex + i * outStep, to, getLong(in, inIndex + i * inStep, from));
      } else {
        putDouble(out, outIndex + i * outStep, to, getDouble(in, inIndex + i * inStep, from));
      }
    }
  }

  /** IEEE 754 half precision to float (Java 17 has no {@code Float.float16ToFloat}). */
  public static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits >>> 15) << 31;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0) {
      float v = mantissa * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (exponent == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
