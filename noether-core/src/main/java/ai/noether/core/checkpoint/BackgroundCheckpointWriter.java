package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.core.store.ByteSizes;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
 *
 * <p>Its parts: {@link SaveQueue} (the thread, one save in flight, failures counted), {@link
 * CommittedCheckpoints} (what later saves alias or report) and {@link CheckpointDeleter} (what
 * retention gives up, older spellings of a best checkpoint).
 */
public final class BackgroundCheckpointWriter implements CheckpointWriter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundCheckpointWriter.class);

  private final CheckpointStore store;
  private final StageId stage;
  private final CheckpointContents contents;
  private final SnapshotSource source;
  private final StagingBuffers staging;
  private final SaveQueue queue;
  private final CommittedCheckpoints committed = new CommittedCheckpoints();
  private final CheckpointDeleter deleter;

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
    this.staging = Objects.requireNonNull(staging, "staging");
    this.store = store;
    this.stage = stage;
    this.contents = contents;
    this.source = source;
    this.queue = new SaveQueue();
    this.deleter = new CheckpointDeleter(store, stage);
  }

  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveResumable(
      boolean includeOptimizer, boolean moveLatest) {
    awaitPrevious(CheckpointTag.at(source.iteration()));
    TrainingSnapshot snapshot = stagedSnapshot(includeOptimizer);
    CheckpointTag tag = CheckpointTag.at(snapshot.iteration());
    return submit(
        tag,
        snapshot.iteration(),
        moveLatest ? Set.of(CheckpointTag.LATEST) : Set.of(),
        () -> contents.resumable(tag, snapshot),
        committed.onCommit(includeOptimizer ? snapshot : null, waitNanos, snapshotNanos));
  }

  /**
   * Saves a resumable checkpoint under an explicit tag (an emergency tag, or the final one with
   * {@code last}) and the given aliases.
   */
  public synchronized CompletableFuture<StoredCheckpoint> saveResumable(
      CheckpointTag tag, Set<CheckpointTag> aliases) {
    awaitPrevious(tag);
    TrainingSnapshot snapshot = stagedSnapshot(true);
    StoredCheckpoint same = committed.sameAs(tag, aliases, snapshot);
    if (same != null) {
      return aliasCommitted(same, aliases);
    }
    return submit(
        tag,
        snapshot.iteration(),
        aliases,
        () -> contents.resumable(tag, snapshot),
        committed.onCommit(snapshot, waitNanos, snapshotNanos));
  }

  /**
   * Nothing has changed the weights or the optimizer since {@code same} was written at this very
   * iteration (only an update does, and it advances the counters): writing the same bytes again
   * would cost a full save for nothing.
   */
  private CompletableFuture<StoredCheckpoint> aliasCommitted(
      StoredCheckpoint same, Set<CheckpointTag> aliases) {
    List<String> tokens = aliases.stream().map(CheckpointTag::token).sorted().toList();
    LOG.info(
        "checkpoint {} is already committed at this iteration; pointing {} at it instead of writing {} again",
        same.describe(),
        tokens,
        ByteSizes.human(same.size()));
    return queue.save(
        () -> store.alias(stage, same.tag(), aliases),
        (stored, nanos) ->
            LOG.info("saved checkpoint {} as {} (no bytes written)", stored.describe(), tokens),
        e ->
            LOG.error(
                "{} were not pointed at checkpoint {}; earlier checkpoints are intact: {}",
                aliases,
                same.describe(),
                SaveQueue.reason(e)));
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
        ByteSizes.human(staging.capacityBytes()),
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
    return committed.lastTimings();
  }

  /**
   * Saves that failed since the last save that succeeded (0 after a success); deletes do not count.
   */
  public int consecutiveFailures() {
    return queue.consecutiveFailures();
  }

  /** Why the newest failed save failed (the store's exception), or null if none failed yet. */
  @Nullable
  public Throwable lastFailure() {
    return queue.lastFailure();
  }

  /** The newest resumable checkpoint this writer committed, or null if none yet. */
  @Nullable
  public StoredCheckpoint lastCommitted() {
    return committed.lastResumable();
  }

  /**
   * As {@link #saveModels(CheckpointTag, List)}, taking the models' host copies only after the
   * previous save finished, into the staging buffers that resumable saves reuse: a callback that
   * saves models (best checkpoints) allocates nothing from its second save on.
   */
  @Override
  public synchronized CompletableFuture<StoredCheckpoint> saveModels(
      CheckpointTag tag, Supplier<List<ModelSnapshot>> models) {
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

  @Override
  public synchronized CompletableFuture<Void> delete(CheckpointTag tag) {
    committed.forget(tag); // gone by the time a later save would alias it
    return queue.afterPending(() -> deleter.delete(tag));
  }

  /** Waits until every submitted save and delete has finished. */
  public synchronized void flush() {
    queue.awaitAll();
  }

  private CompletableFuture<StoredCheckpoint> submit(
      CheckpointTag tag,
      TrainingIteration iteration,
      Set<CheckpointTag> aliases,
      Supplier<List<CheckpointFile>> files,
      Consumer<StoredCheckpoint> onCommit) {
    return queue.save(
        () -> {
          StoredCheckpoint stored = store.commit(stage, tag, iteration, files.get(), aliases);
          onCommit.accept(stored);
          return stored;
        },
        (stored, nanos) -> {
          LOG.info(
              "saved checkpoint {} ({} in {} ms)",
              stored.describe(),
              ByteSizes.human(stored.size()),
              nanos / 1_000_000);
          deleter.retireOldSpellings(tag);
        },
        e ->
            LOG.error(
                "checkpoint {} was not saved; earlier checkpoints are intact: {}",
                tag,
                SaveQueue.reason(e)));
  }

  /**
   * Waits for the save in flight, if any: at most one is, so that one set of staging buffers
   * suffices and a disk slower than the saves cannot pile snapshots up in memory. The wait is
   * logged before a save ({@code next}): training was blocked meanwhile.
   */
  private void awaitPrevious(@Nullable CheckpointTag next) {
    boolean busy = queue.saving();
    waitNanos = queue.awaitPreviousSave();
    if (busy && next != null) {
      LOG.info(
          "checkpoint {} waited {} ms for the previous save to finish (one save at a time; training was blocked"
              + " meanwhile: saves come faster than the disk writes them)",
          next.token(),
          waitNanos / 1_000_000);
    }
  }

  @Override
  public void close() {
    flush();
    staging.close();
    queue.close();
  }
}
