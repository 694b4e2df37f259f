package ai.noether.djl.step;

import ai.djl.ndarray.NDManager;
import ai.noether.api.Nullable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gathers announced training batches on a background thread while the training thread runs the
 * current update. The trainer announces the samples of the next updates ({@link
 * ai.noether.api.train.TrainingStep#prefetch}); an update takes its batch from here when the
 * samples it is asked for are the ones announced first, and otherwise gathers them itself. So the
 * data an update sees is exactly what it asked for, whatever was announced: prefetching changes
 * when a batch is gathered, never which samples it holds or their order, and a resumed run sees the
 * same batches as an uninterrupted one.
 *
 * <p>Each prefetched batch lives in its own sub-manager of the model's manager, which the consumer
 * closes after the update. At most {@code depth} batches wait ahead of the one being consumed.
 *
 * <p>Used by the training thread only; the background thread only runs the gathers.
 */
final class Prefetcher implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final BatchSource source;
  private final NDManager parent;
  private final int depth;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private @Nullable ExecutorService executor;

  /** A gathered batch and the manager that owns its arrays; closing it frees them. */
  record Prefetched(Batch batch, NDManager manager) implements AutoCloseable {
    @Override
    public void close() {
      manager.close();
    }
  }

  private record Pending(long[] indices, Future<Prefetched> future) {}

  Prefetcher(BatchSource source, NDManager parent, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("prefetch depth must be at least 1, was " + depth);
    }
    this.source = source;
    this.parent = parent;
    this.depth = depth;
  }

  /** Batches gathered ahead of the one being consumed. */
  int depth() {
    return depth;
  }

  /**
   * Starts gathering {@code indices} in the background, unless that batch is already waiting or the
   * queue is full (it is announced again at the next update).
   */
  void announce(long[] indices) {
    for (Pending p : queue) {
      if (Arrays.equals(p.indices, indices)) {
        return;
      }
    }
    // One more than the depth: the batch about to be consumed is still in the queue.
    if (queue.size() > depth) {
      return;
    }
    long[] copy = indices.clone();
    queue.add(new Pending(copy, executor().submit(() -> gather(copy))));
  }

  private Prefetched gather(long[] indices) {
    NDManager manager = parent.newSubManager();
    try {
      return new Prefetched(source.gather(indices, manager), manager);
    } catch (RuntimeException | Error e) {
      manager.close();
      throw e;
    }
  }

  /**
   * The batch of {@code indices} if it was announced (waiting for its gather to finish), else null;
   * batches announced before it, which were not asked for, are dropped. When it was not announced,
   * the waiting batches stay: they are the next updates' (the first update after a start or a
   * resume was never announced).
   *
   * @throws RuntimeException the background gather's failure, as it would have been thrown by a
   *     gather on this thread
   */
  @Nullable
  Prefetched take(long[] indices) {
    if (queue.stream().noneMatch(p -> Arrays.equals(p.indices, indices))) {
      if (queue.size() > depth) {
        // A full queue that holds nothing asked for would block new announcements for good.
        queue.forEach(Prefetcher::discard);
        queue.clear();
      }
      return null;
    }
    while (true) {
      Pending p = queue.poll();
      if (Arrays.equals(p.indices, indices)) {
        return await(p.future);
      }
      discard(p);
    }
  }

  private static Prefetched await(Future<Prefetched> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          // The update cannot go on without its batch; the interrupt is kept for the caller.
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(
              "gathering a batch failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void discard(Pending p) {
    if (p.future.cancel(false)) {
      return;
    }
    try {
      await(p.future).close();
    } catch (RuntimeException e) {
      // A batch nobody asked for failed to gather: the update that needs those samples gathers
      // them.
    }
  }

  private ExecutorService executor() {
    ExecutorService executor = this.executor;
    if (executor == null) {
      executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "noether-prefetch-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      this.executor = executor;
    }
    return executor;
  }

  /** Drops every waiting batch and stops the thread; the source stays open. */
  @Override
  public void close() {
    for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
      discard(it.next());
      it.remove();
    }
    if (executor != null) {
      executor.shutdown();
    }
  }
}
