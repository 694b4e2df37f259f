package ai.noether.core.data;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.NoSuchElementException;

/**
 * What the file-backed datasets' {@code gather} shares: the batch buffer, bounded by {@link
 * HostTensor#MAX_CHUNK_BYTES}, and the errors for an unknown field and a sample index out of range.
 */
public final class BatchBuffers {
  private BatchBuffers() {}

  /**
   * A direct little-endian buffer of {@code bytes} for a batch of {@code samples} samples of {@code
   * field}.
   *
   * @throws IllegalArgumentException when the batch is larger than one host tensor chunk, saying to
   *     use smaller batches
   */
  public static ByteBuffer allocate(String field, int samples, long bytes) {
    if (bytes > HostTensor.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "a batch of "
              + samples
              + " samples of field '"
              + field
              + "' needs "
              + bytes
              + " bytes, more than "
              + HostTensor.MAX_CHUNK_BYTES
              + "; use smaller batches");
    }
    return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The error for a field the dataset does not have, listing the ones it has. */
  public static NoSuchElementException noSuchField(String field, Collection<String> fields) {
    return new NoSuchElementException(
        "the dataset has no field '" + field + "'; its fields are " + String.join(", ", fields));
  }

  /**
   * Checks a sample index against the dataset's size.
   *
   * @throws IndexOutOfBoundsException naming the index and the valid range
   */
  public static void checkIndex(long index, long size) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          "sample index " + index + " is outside [0, " + size + ")");
    }
  }
}
