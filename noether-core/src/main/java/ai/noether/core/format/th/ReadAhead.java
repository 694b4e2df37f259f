package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the tensor records of one file from disk one record ahead of the CRC checks: while the
 * reading thread checks record {@code i} through its memory mapping, a background thread reads
 * record {@code i + 1} with large sequential {@code read}s, which brings it into the page cache. A
 * cold read then costs about the disk time alone instead of the disk time plus the CRC time.
 *
 * <p>The background thread uses plain reads into a small buffer rather than touching the mapping: a
 * read of a file that another process truncated returns early, where a touch of the mapping would
 * fault. One record ahead at most, so that a file larger than memory does not evict the records
 * still to be checked. Closing it stops a read-ahead that is no longer wanted (a corrupt record
 * ends the read).
 */
final class ReadAhead implements AutoCloseable {
  private static final int CHUNK = 4 << 20;
  private static final ExecutorService LOADER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "noether-th-read-ahead");
            t.setDaemon(true);
            return t;
          });
  private static final ThreadLocal<ByteBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  /**
   * Where a record's bytes are in the file, and its mapping.
   *
   * @param mapped the record's mapped buffers, to skip reading what the page cache already holds
   */
  record Range(long offset, long size, List<ByteBuffer> mapped) {}

  private final FileChannel channel;
  private final List<Range> records;
  private final AtomicBoolean closed = new AtomicBoolean();
  private int next;
  private @Nullable Future<?> loading;

  /**
   * @param records the tensor records in the order they will be checked
   */
  ReadAhead(FileChannel channel, List<Range> records) {
    this.channel = channel;
    this.records = records;
    this.loading = submit(0);
  }

  /** Waits until the next record has been read and starts reading the one after it. */
  void awaitNext() throws InterruptedIOException {
    Future<?> current = loading;
    next++;
    loading = submit(next);
    if (current == null) {
      return;
    }
    try {
      current.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading a checkpoint record");
    } catch (ExecutionException | CancellationException e) {
      // Nothing is lost: the CRC check reads the bytes itself and reports what it cannot read.
    }
  }

  private @Nullable Future<?> submit(int index) {
    if (index >= records.size()) {
      return null;
    }
    Range r = records.get(index);
    return LOADER.submit(
        () -> {
          if (resident(r)) {
            return; // a warm read: nothing to wait for
          }
          ByteBuffer scratch = SCRATCH.get();
          long position = r.offset();
          long end = r.offset() + r.size();
          while (position < end && !closed.get()) {
            scratch.clear().limit((int) Math.min(CHUNK, end - position));
            int n;
            try {
              n = channel.read(scratch, position);
            } catch (IOException e) {
              return;
            }
            if (n <= 0) {
              return;
            }
            position += n;
          }
        });
  }

  /**
   * True when the page cache holds the whole record ({@code mincore}), so reading it ahead would
   * only copy.
   */
  private static boolean resident(Range r) {
    for (ByteBuffer b : r.mapped()) {
      if (!(b instanceof java.nio.MappedByteBuffer m) || !m.isLoaded()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    closed.set(true);
    if (loading != null) {
      try {
        // The channel belongs to the caller, who may close it next: the read must be over first.
        loading.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | CancellationException e) {
        // ignored, as above
      }
    }
  }
}
