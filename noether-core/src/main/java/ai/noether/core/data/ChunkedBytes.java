package ai.noether.core.data;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The bytes of a {@link HostTensor} (or of a mapped file region) read at absolute offsets, whatever
 * chunks they are split into. Reads never move a buffer's position, so one instance serves
 * concurrent readers.
 */
final class ChunkedBytes {
  private final ByteBuffer[] chunks;
  private final long[] starts;
  private final long size;

  ChunkedBytes(List<ByteBuffer> buffers) {
    chunks = new ByteBuffer[buffers.size()];
    starts = new long[buffers.size()];
    long at = 0;
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = buffers.get(i).slice().order(ByteOrder.LITTLE_ENDIAN);
      starts[i] = at;
      at += chunks[i].remaining();
    }
    size = at;
  }

  ChunkedBytes(HostTensor tensor) {
    this(tensor.chunks());
  }

  long size() {
    return size;
  }

  /** Copies {@code length} bytes from {@code offset} to {@code target} at {@code targetIndex}. */
  void copy(long offset, int length, ByteBuffer target, int targetIndex) {
    int c = chunkOf(offset);
    while (length > 0) {
      int from = (int) (offset - starts[c]);
      int n = Math.min(length, chunks[c].limit() - from);
      target.put(targetIndex, chunks[c], from, n);
      offset += n;
      targetIndex += n;
      length -= n;
      c++;
    }
  }

  /** The float64 at {@code offset}; elements never straddle chunks (see {@link HostTensor}). */
  double getDouble(long offset) {
    int c = chunkOf(offset);
    return chunks[c].getDouble((int) (offset - starts[c]));
  }

  private int chunkOf(long offset) {
    if (offset < 0 || offset >= size) {
      throw new IndexOutOfBoundsException("byte " + offset + " is outside [0, " + size + ")");
    }
    int lo = 0;
    int hi = chunks.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
