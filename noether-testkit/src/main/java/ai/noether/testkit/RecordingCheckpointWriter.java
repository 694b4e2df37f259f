package ai.noether.testkit;

import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.ModelSnapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@link CheckpointWriter} of a {@link RecordingTrainingContext}: it writes nothing and records
 * what was asked, in order. It keeps the set of tags whose files would exist ({@link #onDisk()}),
 * so that a test of a retention rule sees what a real stage would hold. A save completes at once,
 * or, when the context was built with {@code holdSaves()}, when the test completes or fails it: a
 * save that fails completes exceptionally with {@code IOException("No space left on device")}.
 */
public final class RecordingCheckpointWriter implements CheckpointWriter {
  private final StageId stage;
  private final Supplier<TrainingIteration> iteration;
  private boolean hold;
  private final List<TrainingIteration> resumableSaves = new ArrayList<>();
  private final List<Boolean> optimizerFlags = new ArrayList<>();
  private final List<Boolean> latestFlags = new ArrayList<>();
  private final List<String> requests = new ArrayList<>();
  private final Map<CheckpointTag, List<ModelSnapshot>> modelSaves = new LinkedHashMap<>();
  private final List<CheckpointTag> modelSaveOrder = new ArrayList<>();
  private final List<CheckpointTag> deletes = new ArrayList<>();
  private final Set<CheckpointTag> onDisk = new LinkedHashSet<>();
  private final List<Pending> pending = new ArrayList<>();

  private record Pending(
      CheckpointTag tag, TrainingIteration iteration, CompletableFuture<StoredCheckpoint> future) {}

  RecordingCheckpointWriter(StageId stage, Supplier<TrainingIteration> iteration, boolean hold) {
    this.stage = stage;
    this.iteration = iteration;
    this.hold = hold;
  }

  /** From now on, saves stay pending until the test completes or fails them. */
  public void holdSaves() {
    hold = true;
  }

  /** Completes the oldest pending save: its files now exist, at the iteration it was asked at. */
  public void completeOldest() {
    Pending p = next();
    onDisk.add(p.tag());
    p.future().complete(stored(p.tag(), p.iteration()));
  }

  /** Fails the oldest pending save as a full disk would. */
  public void failOldest() {
    next().future().completeExceptionally(new IOException("No space left on device"));
  }

  /** Completes every pending save, oldest first. */
  public void completeAll() {
    while (!pending.isEmpty()) {
      completeOldest();
    }
  }

  /** Fails every pending save, oldest first. */
  public void failAll() {
    while (!pending.isEmpty()) {
      failOldest();
    }
  }

  private Pending next() {
    if (pending.isEmpty()) {
      throw new IllegalStateException("no save is pending; saves asked for: " + requests);
    }
    return pending.remove(0);
  }

  /** The iterations of the resumable saves asked for, in order. */
  public List<TrainingIteration> resumableSaves() {
    return Collections.unmodifiableList(resumableSaves);
  }

  /** For each resumable save, whether it included the optimizer. */
  public List<Boolean> optimizerFlags() {
    return Collections.unmodifiableList(optimizerFlags);
  }

  /** For each resumable save, whether it moves {@code latest}. */
  public List<Boolean> latestFlags() {
    return Collections.unmodifiableList(latestFlags);
  }

  /**
   * The resumable saves as {@code optim+latest}, {@code optim}, {@code no-optim+latest} or {@code
   * no-optim}.
   */
  public List<String> requests() {
    return Collections.unmodifiableList(requests);
  }

  /** The model saves under the callers' tags; a tag saved again keeps its latest snapshots. */
  public Map<CheckpointTag, List<ModelSnapshot>> modelSaves() {
    return Collections.unmodifiableMap(modelSaves);
  }

  /** The tags of the model saves, in the order asked, repeats included. */
  public List<CheckpointTag> modelSaveOrder() {
    return Collections.unmodifiableList(modelSaveOrder);
  }

  /** The tags deleted, in order. */
  public List<CheckpointTag> deletes() {
    return Collections.unmodifiableList(deletes);
  }

  /** The tags whose files would exist now, in the order they were first written. */
  public Set<CheckpointTag> onDisk() {
    return Collections.unmodifiableSet(onDisk);
  }

  /** Makes the files of {@code tags} exist, as checkpoints written before the callback started. */
  public void existing(CheckpointTag... tags) {
    onDisk.addAll(List.of(tags));
  }

  /** How many saves are pending. */
  public int pendingSaves() {
    return pending.size();
  }

  @Override
  public CompletableFuture<StoredCheckpoint> saveResumable(
      boolean includeOptimizer, boolean moveLatest) {
    TrainingIteration at = iteration.get();
    resumableSaves.add(at);
    optimizerFlags.add(includeOptimizer);
    latestFlags.add(moveLatest);
    requests.add((includeOptimizer ? "optim" : "no-optim") + (moveLatest ? "+latest" : ""));
    CompletableFuture<StoredCheckpoint> f = new CompletableFuture<>();
    pending.add(new Pending(CheckpointTag.at(at), at, f));
    if (!hold) {
      completeOldest();
    }
    return f;
  }

  @Override
  public CompletableFuture<StoredCheckpoint> saveModels(
      CheckpointTag tag, List<ModelSnapshot> snapshots) {
    modelSaves.put(tag, List.copyOf(snapshots));
    modelSaveOrder.add(tag);
    onDisk.add(tag);
    return CompletableFuture.completedFuture(stored(tag, iteration.get()));
  }

  @Override
  public CompletableFuture<Void> delete(CheckpointTag tag) {
    deletes.add(tag);
    onDisk.remove(tag);
    return CompletableFuture.completedFuture(null);
  }

  private StoredCheckpoint stored(CheckpointTag tag, TrainingIteration at) {
    return new StoredCheckpoint(stage, tag, at, List.of(), Instant.EPOCH);
  }
}
