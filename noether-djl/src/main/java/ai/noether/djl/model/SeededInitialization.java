package ai.noether.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.Seeds;
import ai.noether.djl.tensor.HostTransfer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Fills parameters with values drawn in Java from a seed, so that the same seed gives bit-identical
 * weights in every process, on every device and with every engine version (the engine's own random
 * generators differ between CPU and CUDA and between releases).
 *
 * <p>Each parameter draws from its own stream, derived from the model's initialisation seed and the
 * parameter's path: adding a layer does not change the values of the others.
 */
public final class SeededInitialization {
  private SeededInitialization() {}

  /**
   * Overwrites a float32 parameter with values uniform in {@code [-bound, bound)}.
   *
   * @param initSeed the model's seed ({@link Seeds#forInitialization})
   * @param path the parameter's path, which selects its stream
   */
  public static void uniform(NDArray parameter, double bound, long initSeed, String path) {
    if (parameter.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("parameter " + path + " is " + parameter.getDataType() + "; only float32 is supported");
    }
    long[] shape = parameter.getShape().getShape();
    int count = Math.toIntExact(parameter.getShape().size());
    ByteBuffer bytes = ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer values = bytes.asFloatBuffer();
    SplittableRandom random = new SplittableRandom(Seeds.mix(initSeed, stableHash(path), 0));
    for (int i = 0; i < count; i++) {
      values.put((float) ((2 * random.nextDouble() - 1) * bound));
    }
    HostTransfer.copyInto(HostTensor.wrap(DType.FLOAT32, shape, bytes), parameter);
  }

  /** 64-bit FNV-1a of the UTF-8 bytes; defined by its algorithm, so stable across JVMs and releases. */
  static long stableHash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
