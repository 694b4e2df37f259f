package ai.noether.core.format.th;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Deterministic tensors and digests shared by the format tests. */
final class TestTensors {
  private TestTensors() {}

  /** A tensor of {@code dtype} and {@code shape} filled with bytes derived from {@code seed} (bools are 0 or 1). */
  static HostTensor random(DType dtype, long[] shape, long seed) {
    HostTensor t = HostTensor.allocateDirect(dtype, shape);
    Random random = new Random(seed);
    java.util.List<ByteBuffer> filled = new java.util.ArrayList<>();
    for (ByteBuffer ro : t.chunks()) {
      ByteBuffer b = ByteBuffer.allocateDirect(ro.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      byte[] block = new byte[Math.min(b.remaining(), 1 << 16)];
      while (b.hasRemaining()) {
        random.nextBytes(block);
        if (dtype == DType.BOOL) {
          for (int i = 0; i < block.length; i++) {
            block[i] &= 1;
          }
        }
        b.put(block, 0, Math.min(block.length, b.remaining()));
      }
      filled.add(b.flip());
    }
    return HostTensor.wrap(dtype, shape, filled);
  }

  /** SHA-256 of the tensor's bytes, hex. */
  static String sha256(HostTensor t) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (ByteBuffer b : t.chunks()) {
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The name torch prints for a dtype, e.g. {@code torch.bfloat16}. */
  static String torchName(DType dtype) {
    return switch (dtype) {
      case FLOAT16 -> "torch.float16";
      case BFLOAT16 -> "torch.bfloat16";
      case FLOAT32 -> "torch.float32";
      case FLOAT64 -> "torch.float64";
      case INT8 -> "torch.int8";
      case UINT8 -> "torch.uint8";
      case INT16 -> "torch.int16";
      case INT32 -> "torch.int32";
      case INT64 -> "torch.int64";
      case BOOL -> "torch.bool";
    };
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
