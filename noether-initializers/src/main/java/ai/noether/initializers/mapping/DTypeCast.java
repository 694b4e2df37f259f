package ai.noether.initializers.mapping;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The opt-in conversion of stored float16 and bfloat16 weights to the float32 of a model ({@code
 * cast_dtypes: true} of the initializers). Both widen exactly: every float16 and bfloat16 value is
 * a float32 value, so nothing is rounded. Nothing else is converted: a float64 or integer tensor
 * where the model has float32 stays a mismatch.
 */
public final class DTypeCast {
  /** The config key that allows the conversion. */
  public static final String CAST_DTYPES = "cast_dtypes";

  private DTypeCast() {}

  /** Whether a stored tensor of {@code stored} type may be cast to a model's {@code model} type. */
  public static boolean castable(DType stored, DType model) {
    return model == DType.FLOAT32 && (stored == DType.FLOAT16 || stored == DType.BFLOAT16);
  }

  /**
   * {@code stored} with every float16/bfloat16 tensor whose model parameter is float32 converted to
   * float32; other entries as they are.
   *
   * @return a new map in the same order; {@code casts} receives the keys converted
   */
  public static Map<String, HostTensor> toModelTypes(
      Map<String, HostTensor> stored, Map<String, Tensor> model, List<String> casts) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    stored.forEach(
        (key, t) -> {
          Tensor target = model.get(key);
          if (target != null && castable(t.dtype(), target.dtype())) {
            out.put(key, toFloat32(t));
            casts.add(key);
          } else {
            out.put(key, t);
          }
        });
    return out;
  }

  /** A float32 copy of a float16 or bfloat16 tensor. */
  public static HostTensor toFloat32(HostTensor t) {
    if (t.dtype() != DType.FLOAT16 && t.dtype() != DType.BFLOAT16) {
      throw new IllegalArgumentException(
          "only float16 and bfloat16 tensors are cast, not " + t.dtype());
    }
    List<ByteBuffer> targets = new ArrayList<>();
    long bytes = Math.multiplyExact(t.elementCount(), (long) Float.BYTES);
    for (long done = 0; done < bytes || targets.isEmpty(); done += HostTensor.MAX_CHUNK_BYTES) {
      targets.add(
          ByteBuffer.allocateDirect((int) Math.min(HostTensor.MAX_CHUNK_BYTES, bytes - done))
              .order(ByteOrder.LITTLE_ENDIAN));
    }
    int target = 0;
    for (ByteBuffer chunk : t.chunks()) {
      ShortBuffer halves = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
      while (halves.hasRemaining()) {
        while (!targets.get(target).hasRemaining()) {
          target++;
        }
        short h = halves.get();
        targets
            .get(target)
            .putFloat(
                t.dtype() == DType.BFLOAT16
                    ? Float.intBitsToFloat((h & 0xffff) << 16)
                    : halfToFloat(h));
      }
    }
    targets.forEach(ByteBuffer::flip);
    return HostTensor.wrap(DType.FLOAT32, t.shape(), targets);
  }

  /** IEEE 754 binary16 to binary32 (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0) {
      float magnitude =
          mantissa * 0x1p-24f; // zero or subnormal: mantissa · 2^-24, exact in float32
      return sign != 0 ? -magnitude : magnitude;
    }
    if (exponent == 31) {
      // Infinity, or NaN with its payload and the quiet bit set, as PyTorch (and the F16C
      // instructions) convert.
      return Float.intBitsToFloat(
          sign | 0x7f800000 | (mantissa == 0 ? 0 : 0x400000) | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
