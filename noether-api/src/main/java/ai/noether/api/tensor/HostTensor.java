package ai.noether.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A tensor in host memory: dtype, shape and the little-endian element bytes in row-major order.
 * This is what checkpoints store and load. The bytes live in one or more buffers (a single {@link
 * ByteBuffer} cannot exceed 2 GiB), usually direct or memory-mapped so that they move between
 * engine and file without passing through the Java heap.
 *
 * <p>Instances are immutable in structure; the buffers are shared, not copied, so a caller that
 * hands a buffer in must not modify it afterwards. Buffers returned by {@link #chunks()} are
 * read-only duplicates positioned at zero.
 */
public final class HostTensor {
  /** Largest chunk this class creates itself; keeps every chunk addressable by an int. */
  public static final int MAX_CHUNK_BYTES = 1 << 30;

  private final DType dtype;
  private final long[] shape;
  private final List<ByteBuffer> chunks;
  private final long byteSize;

  private HostTensor(DType dtype, long[] shape, List<ByteBuffer> chunks) {
    this.dtype = Objects.requireNonNull(dtype, "dtype");
    this.shape = shape.clone();
    long elements = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      elements = Math.multiplyExact(elements, d);
    }
    long expected = Math.multiplyExact(elements, dtype.byteSize());
    long actual = 0;
    List<ByteBuffer> copy = new ArrayList<>(chunks.size());
    for (ByteBuffer b : chunks) {
      ByteBuffer slice = b.slice().order(ByteOrder.LITTLE_ENDIAN);
      actual += slice.remaining();
      copy.add(slice);
    }
    if (actual != expected) {
      throw new IllegalArgumentException(
          "tensor of "
              + dtype
              + " "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes but "
              + actual
              + " were given");
    }
    this.chunks = Collections.unmodifiableList(copy);
    this.byteSize = expected;
  }

  /**
   * Wraps the remaining bytes of the given buffers (not copied) as a tensor.
   *
   * @throws IllegalArgumentException if the byte count does not match dtype and shape
   */
  public static HostTensor wrap(DType dtype, long[] shape, List<ByteBuffer> chunks) {
    return new HostTensor(dtype, shape, chunks);
  }

  /** Wraps one buffer's remaining bytes (not copied). */
  public static HostTensor wrap(DType dtype, long[] shape, ByteBuffer data) {
    return new HostTensor(dtype, shape, List.of(data));
  }

  /** Allocates zeroed direct memory for a tensor of this dtype and shape. */
  public static HostTensor allocateDirect(DType dtype, long[] shape) {
    long elements = 1;
    for (long d : shape) {
      elements = Math.multiplyExact(elements, d);
    }
    long bytes = Math.multiplyExact(elements, dtype.byteSize());
    List<ByteBuffer> chunks = new ArrayList<>();
    // Chunks hold whole elements so that typed views never straddle two buffers.
    long chunkBytes = (MAX_CHUNK_BYTES / dtype.byteSize()) * (long) dtype.byteSize();
    for (long done = 0; done < bytes; done += chunkBytes) {
      chunks.add(ByteBuffer.allocateDirect((int) Math.min(chunkBytes, bytes - done)));
    }
    if (chunks.isEmpty()) {
      chunks.add(ByteBuffer.allocateDirect(0));
    }
    return new HostTensor(dtype, shape, chunks);
  }

  /** A float32 tensor holding these values (convenient for tests and small metadata). */
  public static HostTensor ofFloats(long[] shape, float... values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return wrap(DType.FLOAT32, shape, b);
  }

  /** A float64 tensor holding these values. */
  public static HostTensor ofDoubles(long[] shape, double... values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(values);
    return wrap(DType.FLOAT64, shape, b);
  }

  /** An int64 tensor holding these values. */
  public static HostTensor ofLongs(long[] shape, long... values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return wrap(DType.INT64, shape, b);
  }

  public DType dtype() {
    return dtype;
  }

  /** Shape; a fresh array, empty for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a scalar, 0 if any dimension is 0). */
  public long elementCount() {
    return byteSize / dtype.byteSize();
  }

  /** Total number of data bytes. */
  public long byteSize() {
    return byteSize;
  }

  /** The data as read-only little-endian buffers in order; never empty. */
  public List<ByteBuffer> chunks() {
    List<ByteBuffer> out = new ArrayList<>(chunks.size());
    for (ByteBuffer b : chunks) {
      out.add(b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }
    return out;
  }

  /**
   * The data as one read-only little-endian buffer.
   *
   * <p><b>Note:</b> copies into a new direct buffer when the tensor spans several chunks, and fails
   * for tensors over 2 GiB; prefer {@link #chunks()} for streaming.
   */
  public ByteBuffer buffer() {
    if (chunks.size() == 1) {
      return chunks.get(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    if (byteSize > Integer.MAX_VALUE) {
      throw new UnsupportedOperationException(
          "tensor of " + byteSize + " bytes does not fit one buffer; use chunks()");
    }
    ByteBuffer all = ByteBuffer.allocateDirect((int) byteSize).order(ByteOrder.LITTLE_ENDIAN);
    for (ByteBuffer b : chunks) {
      all.put(b.duplicate());
    }
    return all.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The values of a float32 tensor as an array (small tensors only). */
  public float[] toFloatArray() {
    requireType(DType.FLOAT32);
    float[] out = new float[Math.toIntExact(elementCount())];
    buffer().asFloatBuffer().get(out);
    return out;
  }

  /** The values of a float64 tensor as an array (small tensors only). */
  public double[] toDoubleArray() {
    requireType(DType.FLOAT64);
    double[] out = new double[Math.toIntExact(elementCount())];
    buffer().asDoubleBuffer().get(out);
    return out;
  }

  /** The values of an int64 tensor as an array (small tensors only). */
  public long[] toLongArray() {
    requireType(DType.INT64);
    long[] out = new long[Math.toIntExact(elementCount())];
    buffer().asLongBuffer().get(out);
    return out;
  }

  /** Same dtype, shape and bytes. */
  public boolean contentEquals(HostTensor other) {
    if (dtype != other.dtype || !Arrays.equals(shape, other.shape) || byteSize != other.byteSize) {
      return false;
    }
    if (chunks.size() == 1 && other.chunks.size() == 1) {
      return chunks.get(0).equals(other.chunks.get(0));
    }
    return buffer().equals(other.buffer());
  }

  private void requireType(DType expected) {
    if (dtype != expected) {
      throw new IllegalStateException("tensor is " + dtype + ", not " + expected);
    }
  }

  @Override
  public String toString() {
    return "HostTensor[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
