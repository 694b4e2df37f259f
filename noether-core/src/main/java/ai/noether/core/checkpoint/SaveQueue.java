package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StoredCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The checkpoint writer's one background thread and what is queued on it: saves, at most one of
 * them in flight (the caller {@linkplain #awaitPreviousSave waits} for the previous one before it
 * stages the next snapshot), and deletes, which run after everything queued before them. It counts
 * the saves that failed since the last one that succeeded, before each save's future completes, so
 * that whoever waited for a save sees the count.
 *
 * <p>Not thread-safe: {@link BackgroundCheckpointWriter} submits under its own lock.
 */
final class SaveQueue implements AutoCloseable {

  /** A store operation that makes a checkpoint durable. */
  interface Commit {
    StoredCheckpoint run() throws IOException;
  }

  /**
   * What follows a successful commit on the writer thread; {@code nanos} is the time since start.
   */
  interface AfterCommit {
    void run(StoredCheckpoint stored, long nanos) throws IOException;
  }

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "noether-checkpoint-writer");
            t.setDaemon(false);
            return t;
          });

  private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

  /** The newest save (not delete): the one whose staging buffers a new snapshot would overwrite. */
  private CompletableFuture<?> lastSave = CompletableFuture.completedFuture(null);

  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  @Nullable private volatile Throwable lastFailure;

  /**
   * Queues a save: {@code commit}, then (the failure count reset) {@code after}. A failure of
   * either is counted and completes the future exceptionally, an {@link IOException} wrapped in an
   * {@link UncheckedIOException}; {@code logFailure} then says what was not saved.
   */
  CompletableFuture<StoredCheckpoint> save(
      Commit commit, AfterCommit after, Consumer<Throwable> logFailure) {
    CompletableFuture<StoredCheckpoint> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                long start = System.nanoTime();
                StoredCheckpoint stored = commit.run();
                consecutiveFailures.set(0);
                after.run(stored, System.nanoTime() - start);
                return stored;
              } catch (IOException e) {
                // Counted here, before the future completes, so that whoever waited for it sees the
                // count.
                countFailure(e);
                throw new UncheckedIOException(e);
              } catch (RuntimeException | Error e) {
                countFailure(e);
                throw e;
              }
            },
            executor);
    result.whenComplete(
        (r, e) -> {
          if (e != null) {
            logFailure.accept(e);
          }
        });
    inFlight = result;
    lastSave = result;
    return result;
  }

  /**
   * Queues {@code work} behind everything queued so far, whether that succeeds or fails; a delete
   * is not a save: it is not waited for by the next save, and its failure is not counted.
   */
  CompletableFuture<Void> afterPending(Runnable work) {
    CompletableFuture<Void> done = inFlight.handle((r, e) -> null).thenRunAsync(work, executor);
    inFlight = done;
    return done;
  }

  /** Whether the newest save is still being written. */
  boolean saving() {
    return !lastSave.isDone();
  }

  /**
   * Waits for the save in flight, if any, and returns the nanoseconds waited. Only the save: a
   * delete queued since (retention) runs before the next save on the one thread anyway, and waiting
   * for it here would add its time to the stall.
   */
  long awaitPreviousSave() {
    long start = System.nanoTime();
    await(lastSave);
    return System.nanoTime() - start;
  }

  /** Waits until every queued save and delete has finished. */
  void awaitAll() {
    await(inFlight);
  }

  private static void await(CompletableFuture<?> future) {
    try {
      future.handle((r, e) -> null).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // handle() never completes exceptionally
    }
  }

  private void countFailure(Throwable e) {
    lastFailure = e;
    consecutiveFailures.incrementAndGet();
  }

  /** Saves that failed since the last save that succeeded. */
  int consecutiveFailures() {
    return consecutiveFailures.get();
  }

  /** Why the newest failed save failed, or null if none failed yet. */
  @Nullable
  Throwable lastFailure() {
    return lastFailure;
  }

  /** The store's reason for a failed save, without the future's wrapping. */
  static @Nullable String reason(Throwable e) {
    return e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
  }

  /**
   * Stops the thread once what is queued has run (waiting at most a minute); queues nothing new.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
