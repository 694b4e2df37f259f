package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The direct buffers a checkpoint snapshot is copied into, allocated once and reused from save to
 * save, so that the memory of a run that saves a thousand times is that of one that saves once.
 *
 * <p>The checkpoint writer opens the pool ({@link #open()}) on the training thread around taking a
 * snapshot, after the previous save has finished with the buffers. While it is open, {@link
 * #allocate(int)} on that thread hands out the pool's buffers; everywhere else (and on other
 * threads) it allocates fresh direct memory as before. Engines call {@link #allocate(int)} only
 * where they copy state that is written once and then dropped (a model's state dict, an optimizer's
 * state), never for copies a component keeps (an EMA callback's cached host weights), because a
 * staged buffer is overwritten by the next snapshot.
 *
 * <p>A snapshot has the same tensors as the one before in all but the first few saves (an optimizer
 * creates its state at the first update), so each request is served by a free buffer of the
 * smallest sufficient capacity, which is one of exactly the requested size from the second save on:
 * nothing is allocated then. {@link #allocations()} counts what was allocated, which is how the
 * tests show that memory does not grow with the number of saves.
 *
 * <p><b>Copies.</b> The copy into the buffers is the only work a save does on the training thread,
 * so it is spread over several threads: while the pool is open, {@link #copy(ByteBuffer,
 * ByteBuffer)} only records what to copy, and closing the scope copies everything, in pieces of
 * {@value #PIECE_BYTES} bytes, with the training thread and up to {@code copyThreads - 1} helper
 * threads (memory bandwidth, not the CPU, bounds a copy: a few threads reach it). The bytes are the
 * same as with one thread; only the order in which pieces land differs.
 *
 * <p>{@link #reserve()} marks the buffers taken by a snapshot that only sizes and faults in the
 * pool before the first save (the checkpoint writer's {@code prepare}); it does not count as a
 * snapshot.
 *
 * <p>Not thread-safe: one training thread takes snapshots; the writer's background thread only
 * reads the buffers of the snapshot it writes, and the writer opens the pool again only once that
 * write has finished.
 */
public final class StagingBuffers implements AutoCloseable {
  private static final ThreadLocal<StagingBuffers> CURRENT = new ThreadLocal<>();

  /** Size of one piece of a parallel copy: large enough that handing it out costs nothing. */
  static final int PIECE_BYTES = 4 << 20;

  /** The most copy threads a pool uses by default: a few saturate a socket's memory bandwidth. */
  static final int MAX_DEFAULT_COPY_THREADS = 8;

  /**
   * System property that overrides the default number of copy threads (1: copy on the training
   * thread).
   */
  public static final String COPY_THREADS_PROPERTY = "noether.checkpoint.copy_threads";

  /** Every buffer this pool owns, in allocation order. */
  private final List<ByteBuffer> owned = new ArrayList<>();

  /** Buffers not yet handed out in the current snapshot, by capacity. */
  private final TreeMap<Integer, ArrayDeque<ByteBuffer>> free = new TreeMap<>();

  private long allocations;
  private long capacityBytes;
  private long snapshots;
  private final int copyThreads;

  /** Copies recorded while the pool is open, run when its scope closes. */
  private final List<Copy> pending = new ArrayList<>();

  @Nullable private ExecutorService helpers;

  private record Copy(ByteBuffer from, ByteBuffer to) {}

  /** A pool that copies with {@link #defaultCopyThreads()} threads. */
  public StagingBuffers() {
    this(defaultCopyThreads());
  }

  /**
   * A pool that copies snapshots with {@code copyThreads} threads (the training thread among them).
   *
   * @throws IllegalArgumentException if {@code copyThreads} is below 1
   */
  public StagingBuffers(int copyThreads) {
    if (copyThreads < 1) {
      throw new IllegalArgumentException("copy threads must be at least 1, was " + copyThreads);
    }
    this.copyThreads = copyThreads;
  }

  /**
   * The cores available, at most {@value #MAX_DEFAULT_COPY_THREADS}; the system property {@value
   * #COPY_THREADS_PROPERTY} overrides it (benchmarks compare 1 with several).
   *
   * @throws IllegalArgumentException if the property is not a whole number of at least 1
   */
  public static int defaultCopyThreads() {
    String set = System.getProperty(COPY_THREADS_PROPERTY);
    if (set != null) {
      try {
        int n = Integer.parseInt(set.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "system property "
              + COPY_THREADS_PROPERTY
              + " must be a whole number of at least 1, was '"
              + set
              + "'");
    }
    return Math.max(
        1, Math.min(MAX_DEFAULT_COPY_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  /** How many threads copy a snapshot into this pool. */
  public int copyThreads() {
    return copyThreads;
  }

  /**
   * A buffer of {@code bytes} bytes, little-endian, positioned at zero with its limit at {@code
   * bytes}: from the pool open on this thread, else freshly allocated direct memory.
   */
  public static ByteBuffer allocate(int bytes) {
    StagingBuffers pool = CURRENT.get();
    ByteBuffer b = pool == null ? ByteBuffer.allocateDirect(bytes) : pool.take(bytes);
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Copies {@code from}'s remaining bytes into {@code to} at its position and advances {@code to}'s
   * position past them now. While a pool is open on this thread the bytes land when its scope
   * closes (in parallel with the snapshot's other copies), so {@code from}'s memory must stay valid
   * and unchanged until then: pass views of the tensors being snapshotted, never of temporaries.
   * Elsewhere the copy happens at once. {@code from}'s position is not moved.
   *
   * @throws java.nio.BufferOverflowException if {@code to} has less room than {@code from} has
   *     bytes
   */
  public static void copy(ByteBuffer from, ByteBuffer to) {
    int n = from.remaining();
    if (n > to.remaining()) {
      throw new java.nio.BufferOverflowException();
    }
    StagingBuffers pool = CURRENT.get();
    if (pool == null || pool.copyThreads == 1) {
      to.put(from.duplicate());
      return;
    }
    pool.pending.add(new Copy(from.duplicate(), to.slice(to.position(), n)));
    to.position(to.position() + n);
  }

  /**
   * Makes every buffer of the pool available again and routes {@link #allocate(int)} on this thread
   * to the pool until the returned scope is closed. The caller guarantees that nobody reads the
   * buffers of the previous snapshot any more.
   *
   * @throws IllegalStateException if a pool is already open on this thread
   */
  public Scope open() {
    Scope scope = reopen();
    snapshots++;
    return scope;
  }

  private Scope reopen() {
    if (CURRENT.get() != null) {
      throw new IllegalStateException(
          "a staging pool is already open on thread " + Thread.currentThread().getName());
    }
    free.clear();
    for (ByteBuffer b : owned) {
      free.computeIfAbsent(b.capacity(), c -> new ArrayDeque<>()).add(b);
    }
    CURRENT.set(this);
    return () -> {
      CURRENT.remove();
      runPending();
    };
  }

  /**
   * As {@link #open()} for a snapshot that is thrown away: it sizes the pool and faults its pages
   * in (direct memory is zeroed when allocated, and the copy writes it again) before the first real
   * save, so that the first save's stall is a copy into memory that is already there. Not counted
   * in {@link #snapshots()}.
   */
  public Scope reserve() {
    return reopen();
  }

  /** Runs the recorded copies, in pieces, on this thread and the helper threads. */
  private void runPending() {
    if (pending.isEmpty()) {
      return;
    }
    List<Copy> pieces = new ArrayList<>();
    for (Copy c : pending) {
      int n = c.from().remaining();
      for (int at = 0; at < n; at += PIECE_BYTES) {
        int len = Math.min(PIECE_BYTES, n - at);
        pieces.add(new Copy(c.from().slice(c.from().position() + at, len), c.to().slice(at, len)));
      }
    }
    pending.clear();
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < pieces.size(); i = next.getAndIncrement()) {
            pieces.get(i).to().put(pieces.get(i).from());
          }
        };
    int helping = Math.min(copyThreads - 1, pieces.size() - 1);
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < helping; i++) {
      running.add(helpers().submit(worker));
    }
    worker.run();
    boolean interrupted = false;
    for (Future<?> f : running) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          // The snapshot must be complete before anyone reads it: finish waiting, then
          // re-interrupt.
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException("copying a checkpoint snapshot failed", e.getCause());
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private ExecutorService helpers() {
    if (helpers == null) {
      AtomicInteger count = new AtomicInteger();
      helpers =
          Executors.newFixedThreadPool(
              copyThreads - 1,
              r -> {
                Thread t = new Thread(r, "noether-staging-copy-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return helpers;
  }

  /** Stops the helper threads; the buffers stay usable (a later copy starts new helpers). */
  @Override
  public void close() {
    if (helpers != null) {
      helpers.shutdown();
      helpers = null;
    }
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

  /**
   * Ends routing {@link StagingBuffers#allocate(int)} to the pool and lands the recorded copies:
   * once it returns, the snapshot's buffers hold its bytes. Throws only if a copy thread failed.
   */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
