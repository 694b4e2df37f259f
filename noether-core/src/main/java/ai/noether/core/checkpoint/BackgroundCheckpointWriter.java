package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
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
import java.util.Map;
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
 * <p>The snapshot is copied into {@link StagingBuffers} that the writer allocates at the first save
 * and reuses at every later one (the previous save has finished with them by then), so memory does
 * not grow with the number of saves. A save requested while the previous one is still being written
 * waits for it; the wait is logged, since it is training time lost to a disk slower than the save
 * interval.
 *
 * <p>A resumable save under an iteration tag that this writer has already committed, with the
 * optimizer, at the same iteration (the final checkpoint when a periodic one fell on the last
 * update) writes no bytes: it points its aliases at the committed checkpoint.
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

  /** The newest save (not delete): the one whose staging buffers a new snapshot would overwrite. */
  private CompletableFuture<?> lastSave = CompletableFuture.completedFuture(null);

  @Nullable private volatile StoredCheckpoint lastResumable;
  private final java.util.concurrent.atomic.AtomicInteger consecutiveFailures =
      new java.util.concurrent.atomic.AtomicInteger();
  @Nullable private volatile Throwable lastFailure;
  private final StagingBuffers staging;

  /** The newest committed resumable checkpoint that holds the optimizer; null if none. */
  @Nullable private volatile StoredCheckpoint lastComplete;

  /**
   * The trainer part of {@link #lastComplete}'s snapshot (callback states, history): not staged.
   */
  @Nullable private volatile Map<String, Object> lastCompleteTrainer;

  private volatile SaveTimings lastTimings = SaveTimings.NONE;
  private long waitNanos;
  private long snapshotNanos;
  private boolean prepared;
  private boolean resumableTaken;

  public BackgroundCheckpointWriter(
      CheckpointStore store, StageId stage, CheckpointContents contents, SnapshotSource source) {
    this(store, stage, contents, source, new StagingBuffers());
  }

  /** With the staging pool snapshots are copied into (tests compare copy thread counts). */
  public BackgroundCheckpointWriter(
      CheckpointStore store,
      StageId stage,
      CheckpointContents contents,
      SnapshotSource source,
      StagingBuffers staging) {
    this.staging = java.util.Objects.requireNonNull(staging, "staging");
    this.store = store;
    this.stage = stage;
    this.contents = contents;
    this.source = source;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "noether-checkpoint-writer");
              t.setDaemon(false);
              return t;
            });
  }

  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveResumable(
      boolean includeOptimizer, boolean moveLatest) {
    awaitPrevious(CheckpointTag.at(source.iteration()));
    TrainingSnapshot snapshot = stagedSnapshot(includeOptimizer);
    CheckpointTag tag = CheckpointTag.at(snapshot.iteration());
    return remember(
        committed ->
            submit(
                tag,
                snapshot.iteration(),
                moveLatest ? Set.of(CheckpointTag.LATEST) : Set.of(),
                () -> contents.resumable(tag, snapshot),
                committed),
        includeOptimizer ? snapshot : null);
  }

  /**
   * Saves a resumable checkpoint under an explicit tag (an emergency tag, or the final one with
   * {@code last}) and the given aliases.
   */
  public synchronized CompletableFuture<StoredCheckpoint> saveResumable(
      CheckpointTag tag, Set<CheckpointTag> aliases) {
    awaitPrevious(tag);
    StoredCheckpoint committed = lastComplete;
    Map<String, Object> committedTrainer = lastCompleteTrainer;
    TrainingSnapshot snapshot = stagedSnapshot(true);
    // Same counters: weights and optimizer are unchanged (only an update changes them); the rest
    // (callback states, history) may have moved since, e.g. retention at the end of training.
    if (!aliases.isEmpty()
        && committed != null
        && committed.tag().equals(tag)
        && committed.iteration().equals(snapshot.iteration())
        && StateEquality.same(committedTrainer, snapshot.trainer())) {
      return aliasCommitted(committed, aliases);
    }
    return remember(
        done ->
            submit(
                tag, snapshot.iteration(), aliases, () -> contents.resumable(tag, snapshot), done),
        snapshot);
  }

  /**
   * Nothing has changed the weights or the optimizer since {@code committed} was written at this
   * very iteration (only an update does, and it advances the counters): writing the same bytes
   * again would cost a full save for nothing.
   */
  private CompletableFuture<StoredCheckpoint> aliasCommitted(
      StoredCheckpoint committed, Set<CheckpointTag> aliases) {
    LOG.info(
        "checkpoint {} is already committed at this iteration; pointing {} at it instead of writing {} again",
        committed.describe(),
        aliases.stream().map(CheckpointTag::token).sorted().toList(),
        ai.noether.core.store.ByteSizes.human(committed.size()));
    CompletableFuture<StoredCheckpoint> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                StoredCheckpoint stored = store.alias(stage, committed.tag(), aliases);
                consecutiveFailures.set(0);
                LOG.info(
                    "saved checkpoint {} as {} (no bytes written)",
                    stored.describe(),
                    aliases.stream().map(CheckpointTag::token).sorted().toList());
                return stored;
              } catch (IOException e) {
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
            LOG.error(
                "{} were not pointed at checkpoint {}; earlier checkpoints are intact: {}",
                aliases,
                committed.describe(),
                e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
          }
        });
    inFlight = result;
    lastSave = result;
    return result;
  }

  /**
   * Allocates the staging buffers and faults their pages in now, by taking a snapshot into them
   * that is thrown away, so that the first save's stall is only its copy, into memory that is
   * already resident. Does something once, and only before the first resumable save. The memory is
   * what the first save would allocate anyway; it is taken earlier, on purpose, and counted from
   * then on.
   *
   * @param includeOptimizer whether the saves to come include the optimizer (its state is staged
   *     too); an optimizer that creates its state at its first update has none to size before it
   */
  @Override
  public synchronized void prepare(boolean includeOptimizer) {
    // Once: a resumable save has sized the pool already, or an earlier call did. (A best-checkpoint
    // save before it sized it for the models alone: the optimizer's share is still to come.)
    if (prepared || resumableTaken) {
      return;
    }
    prepared = true;
    awaitPrevious(null);
    long start = System.nanoTime();
    try (StagingBuffers.Scope scope = staging.reserve()) {
      source.snapshot(includeOptimizer);
    }
    LOG.info(
        "staged {} for checkpoint snapshots in {} ms, before the first save",
        ai.noether.core.store.ByteSizes.human(staging.capacityBytes()),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** The snapshot, copied into the staging buffers; the previous save has finished with them. */
  private TrainingSnapshot stagedSnapshot(boolean includeOptimizer) {
    resumableTaken = true;
    long start = System.nanoTime();
    try (StagingBuffers.Scope scope = staging.open()) {
      return source.snapshot(includeOptimizer);
    } finally {
      snapshotNanos = System.nanoTime() - start;
    }
  }

  /** The buffers snapshots are staged in (for tests and benchmarks: allocations, capacity). */
  public StagingBuffers staging() {
    return staging;
  }

  /**
   * How long the newest resumable save blocked the training thread and how long it took in the
   * background; {@link SaveTimings#NONE} before the first save completes.
   */
  public SaveTimings lastTimings() {
    return lastTimings;
  }

  /**
   * Saves that failed since the last save that succeeded (0 after a success); deletes do not count.
   */
  public int consecutiveFailures() {
    return consecutiveFailures.get();
  }

  /** Why the newest failed save failed (the store's exception), or null if none failed yet. */
  @Nullable
  public Throwable lastFailure() {
    return lastFailure;
  }

  /** The newest resumable checkpoint this writer committed, or null if none yet. */
  @Nullable
  public StoredCheckpoint lastCommitted() {
    return lastResumable;
  }

  /**
   * Marks a resumable save: once committed (and before its future completes, so that the next save
   * sees it) it becomes {@link #lastCommitted()}, and the one to alias at the same iteration.
   */
  private CompletableFuture<StoredCheckpoint> remember(
      java.util.function.Function<
              java.util.function.Consumer<StoredCheckpoint>, CompletableFuture<StoredCheckpoint>>
          save,
      @Nullable TrainingSnapshot withOptimizer) {
    long waited = waitNanos;
    long copied = snapshotNanos;
    long submitted = System.nanoTime();
    return save.apply(
        stored -> {
          lastResumable = stored;
          lastComplete = withOptimizer != null ? stored : null;
          lastCompleteTrainer = withOptimizer != null ? withOptimizer.trainer() : null;
          lastTimings = new SaveTimings(waited, copied, System.nanoTime() - submitted);
        });
  }

  /**
   * As {@link #saveModels(CheckpointTag, List)}, taking the models' host copies only after the
   * previous save finished, into the staging buffers that resumable saves reuse: a callback that
   * saves models (best checkpoints) allocates nothing from its second save on.
   */
  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveModels(
      CheckpointTag tag, java.util.function.Supplier<List<ModelSnapshot>> models) {
    awaitPrevious(tag);
    List<ModelSnapshot> taken;
    try (StagingBuffers.Scope scope = staging.open()) {
      taken = models.get();
    }
    return saveModels(tag, taken);
  }

  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveModels(
      CheckpointTag tag, List<ModelSnapshot> models) {
    awaitPrevious(tag);
    TrainingIteration iteration = source.iteration();
    var configs = source.modelConfigs();
    var extras = source.extras();
    return submit(
        tag,
        iteration,
        Set.of(),
        () -> contents.models(tag, iteration, models, configs, extras),
        c -> {});
  }

  /**
   * A new best checkpoint replaces the previous best of its metric also when that one was saved
   * under the name older versions wrote ({@code best.nasa%5Fscore~valid} for {@code
   * best.nasa_score~valid}): otherwise it would stay forever beside the new one.
   */
  private void retireOldSpellings(CheckpointTag saved) throws IOException {
    if (!(saved instanceof CheckpointTag.Best best) || best.isOldSpelling()) {
      return;
    }
    for (StoredCheckpoint c : store.list(stage)) {
      if (c.tag() instanceof CheckpointTag.Best other
          && other.sameCheckpointAs(best)
          && !other.equals(best)) {
        store.delete(stage, other);
        LOG.info("deleted {} of {}: replaced by {}, its name as written today", other, stage, best);
      }
    }
  }

  @Override
  public synchronized CompletableFuture<Void> delete(CheckpointTag tag) {
    StoredCheckpoint complete = lastComplete;
    if (complete != null && complete.tag().equals(tag)) {
      lastComplete = null; // gone by the time a later save would alias it
    }
    CompletableFuture<Void> done =
        inFlight
            .handle((r, e) -> null)
            .thenRunAsync(
                () -> {
                  try {
                    // Said only when there was something to delete: a tag scheduled before a resume
                    // may be
                    // long gone, or belong to the stage this one was resumed from.
                    boolean present = store.list(stage).stream().anyMatch(c -> c.tag().equals(tag));
                    store.delete(stage, tag);
                    if (present) {
                      LOG.info("deleted checkpoint {} of {}", tag, stage);
                    }
                  } catch (IOException e) {
                    throw new UncheckedIOException(
                        "could not delete checkpoint " + tag + " of " + stage, e);
                  }
                },
                executor);
    inFlight = done;
    return done;
  }

  /** Waits until every submitted save and delete has finished. */
  public synchronized void flush() {
    awaitInFlight();
  }

  private CompletableFuture<StoredCheckpoint> submit(
      CheckpointTag tag,
      TrainingIteration iteration,
      Set<CheckpointTag> aliases,
      java.util.function.Supplier<List<ai.noether.api.checkpoint.CheckpointFile>> files,
      java.util.function.Consumer<StoredCheckpoint> committed) {
    CompletableFuture<StoredCheckpoint> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                long start = System.nanoTime();
                StoredCheckpoint stored = store.commit(stage, tag, iteration, files.get(), aliases);
                committed.accept(stored);
                consecutiveFailures.set(0);
                LOG.info(
                    "saved checkpoint {} ({} in {} ms)",
                    stored.describe(),
                    ai.noether.core.store.ByteSizes.human(stored.size()),
                    (System.nanoTime() - start) / 1_000_000);
                retireOldSpellings(tag);
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
            LOG.error(
                "checkpoint {} was not saved; earlier checkpoints are intact: {}",
                tag,
                e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
          }
        });
    inFlight = result;
    lastSave = result;
    return result;
  }

  private void countFailure(Throwable e) {
    lastFailure = e;
    consecutiveFailures.incrementAndGet();
  }

  /**
   * Waits for the save in flight, if any: at most one is, so that one set of staging buffers
   * suffices and a disk slower than the saves cannot pile snapshots up in memory.
   */
  private void awaitPrevious(@Nullable CheckpointTag next) {
    long start = System.nanoTime();
    // Only the previous save: a delete queued since (retention) runs before the new save on the
    // writer's one thread anyway, and waiting for it here would add its time to the stall.
    boolean busy = !lastSave.isDone();
    try {
      lastSave.handle((r, e) -> null).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // handle() never completes exceptionally
    }
    waitNanos = System.nanoTime() - start;
    if (busy && next != null) {
      LOG.info(
          "checkpoint {} waited {} ms for the previous save to finish (one save at a time; training was blocked"
              + " meanwhile: saves come faster than the disk writes them)",
          next.token(),
          waitNanos / 1_000_000);
    }
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
    staging.close();
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
