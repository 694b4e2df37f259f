package ai.noether.api.data;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A dataset held in host memory as two tensors whose first dimension is the sample index: {@code
 * features} of shape {@code [N, ...]} and {@code targets} of shape {@code [N, ...]}. Engines gather
 * the rows of a batch from it; dataset factories need no engine to build one.
 *
 * <p>As a {@link FieldDataset} it has two fields, {@value #FEATURES} and {@value #TARGETS}.
 *
 * @param features inputs, one row per sample; never null
 * @param targets labels or regression targets, one row per sample; never null
 */
public record TensorDataset(HostTensor features, HostTensor targets) implements FieldDataset {
  /** The field name of {@link #features()}. */
  public static final String FEATURES = "features";

  /** The field name of {@link #targets()}. */
  public static final String TARGETS = "targets";

  public TensorDataset {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(targets, "targets");
    long[] f = features.shape();
    long[] t = targets.shape();
    if (f.length == 0 || t.length == 0 || f[0] != t[0]) {
      throw new IllegalArgumentException(
          "features "
              + java.util.Arrays.toString(f)
              + " and targets "
              + java.util.Arrays.toString(t)
              + " must both have the sample count as their first dimension");
    }
  }

  @Override
  public long size() {
    return features.shape()[0];
  }

  @Override
  public List<Field> fields() {
    return List.of(fieldOf(FEATURES, features), fieldOf(TARGETS, targets));
  }

  @Override
  public HostTensor gather(String field, long[] indices) {
    HostTensor source;
    if (FEATURES.equals(field)) {
      source = features;
    } else if (TARGETS.equals(field)) {
      source = targets;
    } else {
      throw new NoSuchElementException(
          "the dataset has no field '" + field + "'; its fields are " + FEATURES + ", " + TARGETS);
    }
    return gatherRows(source, indices);
  }

  private static Field fieldOf(String name, HostTensor tensor) {
    long[] shape = tensor.shape();
    return new Field(name, tensor.dtype(), Arrays.copyOfRange(shape, 1, shape.length));
  }

  /** Copies rows (first-dimension slices) of {@code source} into a new direct tensor. */
  private static HostTensor gatherRows(HostTensor source, long[] indices) {
    long[] shape = source.shape();
    long rows = shape[0];
    long rowBytes = rows == 0 ? 0 : source.byteSize() / rows;
    long[] outShape = shape.clone();
    outShape[0] = indices.length;
    long bytes = Math.multiplyExact(rowBytes, (long) indices.length);
    if (bytes > HostTensor.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "a batch of "
              + indices.length
              + " rows of "
              + rowBytes
              + " bytes exceeds "
              + HostTensor.MAX_CHUNK_BYTES
              + " bytes; use smaller batches");
    }
    List<ByteBuffer> in = source.chunks();
    ByteBuffer target = ByteBuffer.allocateDirect((int) bytes);
    for (long index : indices) {
      if (index < 0 || index >= rows) {
        throw new IndexOutOfBoundsException(
            "sample index " + index + " is outside [0, " + rows + ")");
      }
      copy(in, index * rowBytes, rowBytes, target);
    }
    return HostTensor.wrap(source.dtype(), outShape, target.flip());
  }

  private static void copy(List<ByteBuffer> chunks, long offset, long length, ByteBuffer target) {
    long chunkStart = 0;
    for (ByteBuffer chunk : chunks) {
      long chunkEnd = chunkStart + chunk.remaining();
      if (length > 0 && offset < chunkEnd) {
        int from = (int) (offset - chunkStart);
        int n = (int) Math.min(length, chunkEnd - offset);
        target.put(chunk.duplicate().position(from).limit(from + n));
        offset += n;
        length -= n;
      }
      chunkStart = chunkEnd;
    }
  }
}
