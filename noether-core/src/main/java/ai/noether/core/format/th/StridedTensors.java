package ai.noether.core.format.th;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns PyTorch's (storage, offset, size, stride) description of a tensor into a row-major {@link
 * HostTensor}. A contiguous tensor is a view of the storage's buffers (no copy); a strided one (a
 * transposed or sliced view saved as is) is copied into new direct memory, because a HostTensor is
 * always row-major.
 */
final class StridedTensors {
  private StridedTensors() {}

  /**
   * The bytes {@link #view} would allocate to copy the tensor {@code shape}/{@code stride} at
   * element {@code offset} of {@code storage}: 0 if it is a view of the storage, its full size if
   * it is not contiguous (a stride of 0 from {@code expand()} makes that larger than the storage).
   * Nothing is allocated.
   *
   * @throws IllegalArgumentException if it reaches past the end of the storage, or its size
   *     overflows (a corrupt size)
   */
  static long copyBytes(
      RestrictedUnpickler.Storage storage, long offset, long[] shape, long[] stride) {
    for (long d : shape) {
      if (d == 0) {
        return 0; // empty, whatever the other dimensions say
      }
    }
    long numel = 1;
    for (long d : shape) {
      numel = multiply(numel, d);
    }
    if (numel < 0) {
      throw new IllegalArgumentException(
          "of size "
              + Arrays.toString(shape)
              + " has more elements than a 64-bit"
              + " count holds (a corrupt size)");
    }
    if (numel == 0) {
      return 0;
    }
    long lastElement = offset;
    for (int i = 0; i < shape.length; i++) {
      lastElement = add(lastElement, multiply(shape[i] - 1, stride[i]));
    }
    if (lastElement < 0) {
      throw new IllegalArgumentException(
          "of size "
              + Arrays.toString(shape)
              + ", stride "
              + Arrays.toString(stride)
              + " at offset "
              + offset
              + " addresses elements beyond 2^63 (a corrupt size or stride)");
    }
    if (lastElement >= storage.numel()) {
      throw new IllegalArgumentException(reachesPast(storage, offset, shape, stride, lastElement));
    }
    if (isContiguous(shape, stride)) {
      return 0;
    }
    long bytes = multiply(numel, storage.dtype().byteSize());
    if (bytes < 0) {
      throw new IllegalArgumentException(
          "of size "
              + Arrays.toString(shape)
              + " has more bytes than a 64-bit size"
              + " holds (a corrupt size)");
    }
    return bytes;
  }

  /** a * b for non-negative operands, or -1 if it overflows. */
  private static long multiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 || a < 0 || b < 0 ? -1 : lo;
  }

  /** a + b for non-negative operands, or -1 if it overflows or either is -1. */
  private static long add(long a, long b) {
    long sum = a + b;
    return a < 0 || b < 0 || sum < 0 ? -1 : sum;
  }

  private static String reachesPast(
      RestrictedUnpickler.Storage storage,
      long offset,
      long[] shape,
      long[] stride,
      long lastElement) {
    return PendingTensor.layout(shape, stride, offset)
        + " reaches element "
        + lastElement
        + " of "
        + storage
        + ", which has only "
        + storage.numel();
  }

  /**
   * The tensor {@code shape}/{@code stride} at element {@code offset} of {@code storage}. Call
   * {@link #copyBytes} first: it validates the sizes, and says how much this will allocate.
   *
   * @throws IllegalArgumentException if it reaches past the end of the storage
   */
  static HostTensor view(
      RestrictedUnpickler.Storage storage, long offset, long[] shape, long[] stride) {
    int elementSize = storage.dtype().byteSize();
    long numel = 1;
    long lastElement = offset;
    for (int i = 0; i < shape.length; i++) {
      numel = Math.multiplyExact(numel, shape[i]);
      if (shape[i] > 0) {
        lastElement = Math.addExact(lastElement, Math.multiplyExact(shape[i] - 1, stride[i]));
      }
    }
    if (numel == 0) {
      return HostTensor.wrap(storage.dtype(), shape, ByteBuffer.allocateDirect(0));
    }
    if (lastElement >= storage.numel()) {
      throw new IllegalArgumentException(reachesPast(storage, offset, shape, stride, lastElement));
    }
    if (isContiguous(shape, stride)) {
      return HostTensor.wrap(
          storage.dtype(),
          shape,
          slice(storage.chunks(), offset * elementSize, numel * elementSize));
    }
    return HostTensor.wrap(storage.dtype(), shape, gather(storage, offset, shape, stride, numel));
  }

  static boolean isContiguous(long[] shape, long[] stride) {
    long expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1) {
        if (stride[i] != expected) {
          return false;
        }
        expected *= shape[i];
      }
    }
    return true;
  }

  /** Bytes {@code [start, start + length)} of a buffer sequence, as views. */
  static List<ByteBuffer> slice(List<ByteBuffer> chunks, long start, long length) {
    List<ByteBuffer> out = new ArrayList<>();
    long chunkStart = 0;
    long end = start + length;
    for (ByteBuffer c : chunks) {
      long chunkEnd = chunkStart + c.remaining();
      long from = Math.max(start, chunkStart);
      long to = Math.min(end, chunkEnd);
      if (from < to) {
        out.add(c.slice(c.position() + (int) (from - chunkStart), (int) (to - from)));
      }
      chunkStart = chunkEnd;
    }
    return out;
  }

  /** Copies a strided tensor into row-major direct buffers, one innermost run at a time. */
  private static List<ByteBuffer> gather(
      RestrictedUnpickler.Storage storage, long offset, long[] shape, long[] stride, long numel) {
    int elementSize = storage.dtype().byteSize();
    int dims = shape.length;
    boolean innerRun = stride[dims - 1] == 1;
    long runElements = innerRun ? shape[dims - 1] : 1;
    int outerDims = innerRun ? dims - 1 : dims;
    Cursor dst = new Cursor(allocate(numel * elementSize));
    Elements source = innerRun ? null : new Elements(storage.chunks());
    long[] index = new long[outerDims];
    for (long done = 0; done < numel; done += runElements) {
      long element = offset;
      for (int i = 0; i < outerDims; i++) {
        element += index[i] * stride[i];
      }
      if (source != null) {
        // One element at a time (an innermost stride other than 1, e.g. 0 from expand()): absolute
        // reads, not a buffer slice per element, which made such copies several times slower.
        source.copy(element * elementSize, elementSize, dst.next());
      } else {
        dst.copyFrom(storage.chunks(), element * elementSize, runElements * elementSize);
      }
      for (int i = outerDims - 1; i >= 0; i--) {
        if (++index[i] < shape[i]) {
          break;
        }
        index[i] = 0;
      }
    }
    List<ByteBuffer> out = new ArrayList<>();
    for (ByteBuffer b : dst.buffers) {
      out.add(b.flip());
    }
    return out;
  }

  private static List<ByteBuffer> allocate(long bytes) {
    List<ByteBuffer> out = new ArrayList<>();
    for (long done = 0; done < bytes; done += HostTensor.MAX_CHUNK_BYTES) {
      out.add(
          ByteBuffer.allocateDirect((int) Math.min(HostTensor.MAX_CHUNK_BYTES, bytes - done))
              .order(ByteOrder.LITTLE_ENDIAN));
    }
    return out;
  }

  /** Single elements of buffers that are split at element boundaries, by absolute byte offset. */
  private static final class Elements {
    private final ByteBuffer[] chunks;
    private final long[] starts;
    private int last;

    Elements(List<ByteBuffer> list) {
      chunks = new ByteBuffer[list.size()];
      starts = new long[list.size() + 1];
      for (int i = 0; i < chunks.length; i++) {
        chunks[i] = list.get(i).slice().order(ByteOrder.LITTLE_ENDIAN);
        starts[i + 1] = starts[i] + chunks[i].remaining();
      }
    }

    void copy(long at, int elementSize, ByteBuffer out) {
      if (at < starts[last] || at >= starts[last + 1]) {
        int i = java.util.Arrays.binarySearch(starts, at);
        last = i >= 0 ? i : -i - 2;
      }
      ByteBuffer c = chunks[last];
      int p = (int) (at - starts[last]);
      switch (elementSize) {
        case 1 -> out.put(c.get(p));
        case 2 -> out.putShort(c.getShort(p));
        case 4 -> out.putInt(c.getInt(p));
        default -> out.putLong(c.getLong(p));
      }
    }
  }

  /** Sequential writer over several buffers. */
  private static final class Cursor {
    final List<ByteBuffer> buffers;
    int current;

    Cursor(List<ByteBuffer> buffers) {
      this.buffers = buffers;
    }

    /** The buffer the next bytes go to; buffers are split at element boundaries. */
    ByteBuffer next() {
      while (!buffers.get(current).hasRemaining()) {
        current++;
      }
      return buffers.get(current);
    }

    void copyFrom(List<ByteBuffer> source, long sourceOffset, long length) {
      long remaining = length;
      long at = sourceOffset;
      while (remaining > 0) {
        while (!buffers.get(current).hasRemaining()) {
          current++;
        }
        ByteBuffer out = buffers.get(current);
        int n = (int) Math.min(remaining, out.remaining());
        for (ByteBuffer piece : slice(source, at, n)) {
          out.put(piece);
        }
        at += n;
        remaining -= n;
      }
    }
  }
}
