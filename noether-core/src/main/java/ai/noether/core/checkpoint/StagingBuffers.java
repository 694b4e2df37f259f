package ai.noether.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The direct buffers a checkpoint snapshot is copied into, allocated once and reused from save to
 * save, so that the memory of a run that saves a thousand times is that of one that saves once.
 *
 * <p>The checkpoint writer opens the pool ({@link #open()}) on the training thread around taking a
 * snapshot, after the previous save has finished with the buffers. While it is open,
 * {@link #allocate(int)} on that thread hands out the pool's buffers; everywhere else (and on other
 * threads) it allocates fresh direct memory as before. Engines call {@link #allocate(int)} only
 * where they copy state that is written once and then dropped (a model's state dict, an
 * optimizer's state), never for copies a component keeps (an EMA callback's cached host weights),
 * because a staged buffer is overwritten by the next snapshot.
 *
 * <p>A snapshot has the same tensors as the one before in all but the first few saves (an
 * optimizer creates its state at the first update), so each request is served by a free buffer of
 * the smallest sufficient capacity, which is one of exactly the requested size from the second
 * save on: nothing is allocated then. {@link #allocations()} counts what was allocated, which is
 * how the tests show that memory does not grow with the number of saves.
 *
 * <p>Not thread-safe: one training thread takes snapshots; the writer's background thread only
 * reads the buffers of the snapshot it writes, and the writer opens the pool again only once that
 * write has finished.
 */
public final class StagingBuffers {
  private static final ThreadLocal<StagingBuffers> CURRENT = new ThreadLocal<>();

  /** Every buffer this pool owns, in allocation order. */
  private final List<ByteBuffer> owned = new ArrayList<>();
  /** Buffers not yet handed out in the current snapshot, by capacity. */
  private final TreeMap<Integer, ArrayDeque<ByteBuffer>> free = new TreeMap<>();
  private long allocations;
  private long capacityBytes;
  private long snapshots;

  /**
   * A buffer of {@code bytes} bytes, little-endian, positioned at zero with its limit at
   * {@code bytes}: from the pool open on this thread, else freshly allocated direct memory.
   */
  public static ByteBuffer allocate(int bytes) {
    StagingBuffers pool = CURRENT.get();
    ByteBuffer b = pool == null ? ByteBuffer.allocateDirect(bytes) : pool.take(bytes);
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The pool open on this thread, or null. */
  public static StagingBuffers current() {
    return CURRENT.get();
  }

  /**
   * Makes every buffer of the pool available again and routes {@link #allocate(int)} on this
   * thread to the pool until the returned scope is closed. The caller guarantees that nobody reads
   * the buffers of the previous snapshot any more.
   *
   * @throws IllegalStateException if a pool is already open on this thread
   */
  public Scope open() {
    if (CURRENT.get() != null) {
      throw new IllegalStateException("a staging pool is already open on thread " + Thread.currentThread().getName());
    }
    free.clear();
    for (ByteBuffer b : owned) {
      free.computeIfAbsent(b.capacity(), c -> new ArrayDeque<>()).add(b);
    }
    snapshots++;
    CURRENT.set(this);
    return () -> CURRENT.remove();
  }

  private ByteBuffer take(int bytes) {
    Map.Entry<Integer, ArrayDeque<ByteBuffer>> fit = free.ceilingEntry(bytes);
    ByteBuffer b;
    if (fit != null) {
      b = fit.getValue().poll();
      if (fit.getValue().isEmpty()) {
        free.remove(fit.getKey());
      }
    } else {
      b = ByteBuffer.allocateDirect(bytes);
      owned.add(b);
      allocations++;
      capacityBytes += bytes;
    }
    // A slice, so that whoever holds it cannot move the pool's own position or limit.
    return b.clear().limit(bytes).slice();
  }

  /** Buffers allocated since the pool was created; constant once the state stops changing shape. */
  public long allocations() {
    return allocations;
  }

  /** The direct memory the pool holds, in bytes. */
  public long capacityBytes() {
    return capacityBytes;
  }

  /** How many snapshots were taken into the pool. */
  public long snapshots() {
    return snapshots;
  }

  /** Ends routing {@link StagingBuffers#allocate(int)} to the pool; never throws. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
