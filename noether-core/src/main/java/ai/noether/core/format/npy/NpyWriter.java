package ai.noether.core.format.npy;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes NumPy {@code .npy} files (format version 1, or 2 for headers over 64 KiB) that {@code
 * numpy.load} reads: the header padded so that the data start at a multiple of 64 bytes, then the
 * little-endian element bytes in C order.
 */
public final class NpyWriter {
  private NpyWriter() {}

  /** Writes {@code tensor} to {@code path}, replacing it. */
  public static void write(Path path, HostTensor tensor) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeHeader(ch, tensor.dtype(), tensor.shape());
      for (ByteBuffer b : tensor.chunks()) {
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
    }
  }

  /**
   * Writes the header of an array of {@code dtype} and {@code shape}; the caller writes its {@code
   * product(shape) * dtype.byteSize()} data bytes next, so that arrays of any size can be streamed
   * out.
   */
  public static void writeHeader(WritableByteChannel ch, DType dtype, long[] shape)
      throws IOException {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    } else if (shape.length == 1) {
      dims.setLength(dims.length() - 1);
    }
    String dict =
        "{'descr': '"
            + NpyReader.descr(dtype)
            + "', 'fortran_order': False, 'shape': ("
            + dims
            + "), }";
    int version = dict.length() + 11 > 65535 ? 2 : 1;
    int prefix = version == 1 ? 10 : 12;
    int total = prefix + dict.length() + 1;
    int padded = (total + 63) / 64 * 64;
    String header = dict + " ".repeat(padded - total) + "\n";
    ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
    b.put(NpyReader.MAGIC).put((byte) version).put((byte) 0);
    if (version == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
