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

  /**
   * A tensor of {@code dtype} and {@code shape} filled with bytes derived from {@code seed} (bools
   * are 0 or 1).
   */
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

  /**
   * A tensor filled quickly with a position-dependent pattern; for tensors too large for {@link
   * #random}.
   */
  static HostTensor pattern(DType dtype, long[] shape) {
    long elements = 1;
    for (long d : shape) {
      elements *= d;
    }
    long bytes = elements * dtype.byteSize();
    java.util.List<ByteBuffer> chunks = new java.util.ArrayList<>();
    long position = 0;
    for (long done = 0; done < bytes; done += HostTensor.MAX_CHUNK_BYTES) {
      ByteBuffer b =
          ByteBuffer.allocateDirect((int) Math.min(HostTensor.MAX_CHUNK_BYTES, bytes - done))
              .order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= 8) {
        b.putLong(position++ * 0x9E3779B97F4A7C15L);
      }
      while (b.hasRemaining()) {
        b.put((byte) position++);
      }
      chunks.add(b.flip());
    }
    return HostTensor.wrap(dtype, shape, chunks);
  }

  /** True if both tensors have the same dtype, shape and bytes, however their buffers are split. */
  static boolean sameBytes(HostTensor a, HostTensor b) {
    if (a.dtype() != b.dtype() || !java.util.Arrays.equals(a.shape(), b.shape())) {
      return false;
    }
    java.util.Iterator<ByteBuffer> left = a.chunks().iterator();
    java.util.Iterator<ByteBuffer> right = b.chunks().iterator();
    ByteBuffer x = left.next();
    ByteBuffer y = right.next();
    while (true) {
      while (!x.hasRemaining() && left.hasNext()) {
        x = left.next();
      }
      while (!y.hasRemaining() && right.hasNext()) {
        y = right.next();
      }
      if (!x.hasRemaining() || !y.hasRemaining()) {
        return !x.hasRemaining() && !y.hasRemaining();
      }
      int n = Math.min(x.remaining(), y.remaining());
      if (!x.slice(x.position(), n).equals(y.slice(y.position(), n))) {
        return false;
      }
      x.position(x.position() + n);
      y.position(y.position() + n);
    }
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
