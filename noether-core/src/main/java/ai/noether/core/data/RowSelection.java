package ai.noether.core.data;

import ai.noether.api.Nullable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rows of a file make up a split, in order: all of them, or a list held off the Java heap
 * (direct memory, 8 bytes a row), so that a validation split drawn from a file larger than the heap
 * costs no heap.
 */
public abstract class RowSelection {
  private RowSelection() {}

  /** The number of selected rows. */
  public abstract long size();

  /** The file row of the {@code index}-th selected row. */
  public abstract long row(long index);

  /** Rows {@code 0} to {@code rows - 1}. */
  public static RowSelection all(long rows) {
    return new RowSelection() {
      @Override
      public long size() {
        return rows;
      }

      @Override
      public long row(long index) {
        return index;
      }
    };
  }

  /** Collects rows in order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects row numbers in direct memory. */
  public static final class Builder {
    // Rows per chunk (1 MiB): small splits stay small, large ones grow a chunk at a time.
    private static final int CHUNK = 1 << 17;
    private final List<LongBuffer> chunks = new ArrayList<>();
    private @Nullable LongBuffer current;
    private long size;

    private Builder() {}

    public Builder add(long row) {
      if (current == null || !current.hasRemaining()) {
        current =
            ByteBuffer.allocateDirect(CHUNK * Long.BYTES)
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
        chunks.add(current);
      }
      current.put(row);
      size++;
      return this;
    }

    public RowSelection build() {
      LongBuffer[] done = chunks.toArray(LongBuffer[]::new);
      long count = size;
      return new RowSelection() {
        @Override
        public long size() {
          return count;
        }

        @Override
        public long row(long index) {
          BatchBuffers.checkIndex(index, count);
          return done[(int) (index / CHUNK)].get((int) (index % CHUNK));
        }
      };
    }
  }
}
