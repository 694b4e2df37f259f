package ai.noether.core.checkpoint;

import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.ModelSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes checkpoints on one background thread. The training thread only takes the host snapshot;
 * encoding and the durable commit happen behind it. At most one save is in flight: a new save first
 * waits for the previous one, so memory holds at most one snapshot being written.
 *
 * <p>A failed background save is logged and reported through its future; older checkpoints stay
 * intact (the store guarantees it), so training goes on and the next save tries again. The writer
 * counts the saves that failed since the last one that succeeded ({@link #consecutiveFailures()}),
 * so that the trainer can stop before it trains on for long without any checkpoint.
 */
public final class BackgroundCheckpointWriter implements CheckpointWriter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundCheckpointWriter.class);

  private final CheckpointStore store;
  private final StageId stage;
  private final CheckpointContents contents;
  private final SnapshotSource source;
  private final ExecutorService executor;
  private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);
  private volatile StoredCheckpoint lastResumable;
  private final java.util.concurrent.atomic.AtomicInteger consecutiveFailures = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Throwable lastFailure;

  public BackgroundCheckpointWriter(
      CheckpointStore store, StageId stage, CheckpointContents contents, SnapshotSource source) {
    this.store = store;
    this.stage = stage;
    this.contents = contents;
    this.source = source;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "noether-checkpoint-writer");
      t.setDaemon(false);
      return t;
    });
  }

  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveResumable(boolean includeOptimizer, boolean moveLatest) {
    awaitInFlight();
    TrainingSnapshot snapshot = source.snapshot(includeOptimizer);
    CheckpointTag tag = CheckpointTag.at(snapshot.iteration());
    return remember(submit(tag, snapshot.iteration(), moveLatest ? Set.of(CheckpointTag.LATEST) : Set.of(),
        () -> contents.resumable(tag, snapshot)));
  }

  /**
   * Saves a resumable checkpoint under an explicit tag (an emergency tag, or the final one with
   * {@code last}) and the given aliases.
   */
  public synchronized CompletableFuture<StoredCheckpoint> saveResumable(CheckpointTag tag, Set<CheckpointTag> aliases) {
    awaitInFlight();
    TrainingSnapshot snapshot = source.snapshot(true);
    return remember(submit(tag, snapshot.iteration(), aliases, () -> contents.resumable(tag, snapshot)));
  }

  /** Saves that failed since the last save that succeeded (0 after a success); deletes do not count. */
  public int consecutiveFailures() {
    return consecutiveFailures.get();
  }

  /** Why the newest failed save failed (the store's exception), or null if none failed yet. */
  public Throwable lastFailure() {
    return lastFailure;
  }

  /** The newest resumable checkpoint this writer committed, or null if none yet. */
  public StoredCheckpoint lastCommitted() {
    return lastResumable;
  }

  private CompletableFuture<StoredCheckpoint> remember(CompletableFuture<StoredCheckpoint> save) {
    save.thenAccept(stored -> lastResumable = stored);
    return save;
  }

  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveModels(CheckpointTag tag, List<ModelSnapshot> models) {
    awaitInFlight();
    TrainingIteration iteration = source.iteration();
    var configs = source.modelConfigs();
    var extras = source.extras();
    return submit(tag, iteration, Set.of(), () -> contents.models(tag, iteration, models, configs, extras));
  }

  @Override
  public synchronized CompletableFuture<Void> delete(CheckpointTag tag) {
    CompletableFuture<Void> done = inFlight.handle((r, e) -> null).thenRunAsync(() -> {
      try {
        store.delete(stage, tag);
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete checkpoint " + tag + " of " + stage, e);
      }
    }, executor);
    inFlight = done;
    return done;
  }

  /** Waits until every submitted save and delete has finished. */
  public synchronized void flush() {
    awaitInFlight();
  }

  private CompletableFuture<StoredCheckpoint> submit(
      CheckpointTag tag, TrainingIteration iteration, Set<CheckpointTag> aliases,
      java.util.function.Supplier<List<ai.noether.api.checkpoint.CheckpointFile>> files) {
    CompletableFuture<StoredCheckpoint> result = CompletableFuture.supplyAsync(() -> {
      try {
        long start = System.nanoTime();
        StoredCheckpoint stored = store.commit(stage, tag, iteration, files.get(), aliases);
        consecutiveFailures.set(0);
        LOG.info("saved checkpoint {} ({} MB in {} ms)", stored.describe(),
            String.format("%.1f", stored.size() / 1e6), (System.nanoTime() - start) / 1_000_000);
        return stored;
      } catch (IOException e) {
        // Counted here, before the future completes, so that whoever waited for it sees the count.
        countFailure(e);
        throw new UncheckedIOException(e);
      } catch (RuntimeException | Error e) {
        countFailure(e);
        throw e;
      }
    }, executor);
    result.whenComplete((r, e) -> {
      if (e != null) {
        LOG.error("checkpoint {} was not saved; earlier checkpoints are intact: {}", tag,
            e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      }
    });
    inFlight = result;
    return result;
  }

  private void countFailure(Throwable e) {
    lastFailure = e;
    consecutiveFailures.incrementAndGet();
  }

  private void awaitInFlight() {
    try {
      inFlight.handle((r, e) -> null).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // handle() never completes exceptionally
    }
  }

  @Override
  public void close() {
    flush();
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
