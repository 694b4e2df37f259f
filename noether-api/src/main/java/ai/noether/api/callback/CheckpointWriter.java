package ai.noether.api.callback;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.model.ModelSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Lets callbacks write checkpoints of the running stage. Every save snapshots the state on the
 * calling thread (the only time training waits) and commits in the background; saves and deletes
 * run in call order, at most one at a time.
 */
public interface CheckpointWriter {

  /**
   * Saves a full, resumable checkpoint at the current iteration: every model (plus the extra model
   * files callbacks contribute, e.g. EMA), the trainer state and, unless disabled, the optimizer.
   *
   * @param includeOptimizer false to skip {@code _optim.th} (the checkpoint then resumes with a
   *     fresh optimizer state)
   * @param moveLatest true to point {@code latest} at it once committed
   * @return completes with the committed checkpoint, or exceptionally with the I/O failure
   */
  CompletableFuture<StoredCheckpoint> saveResumable(boolean includeOptimizer, boolean moveLatest);

  /**
   * Writes model files under a tag of the caller's (e.g. {@code best.loss/valid/total}), replacing
   * an earlier checkpoint of that tag; the files carry the usual metadata.
   */
  CompletableFuture<StoredCheckpoint> saveModels(CheckpointTag tag, List<ModelSnapshot> models);

  /**
   * As {@link #saveModels(CheckpointTag, List)}, with the models taken by {@code models} on the
   * calling thread once the previous save has finished, so that the writer can copy them into the
   * memory it reuses from save to save instead of new memory per save. {@code models} is called
   * exactly once, before this method returns. Default: takes them at once.
   */
  default CompletableFuture<StoredCheckpoint> saveModels(
      CheckpointTag tag, Supplier<List<ModelSnapshot>> models) {
    return saveModels(tag, models.get());
  }

  /**
   * Allocates, before the first save, the memory resumable saves copy the state into, so that the
   * first save does not pay for it while training waits. Call it once the state has its final shape
   * (after the first update: optimizers create their state then). Default: nothing.
   *
   * @param includeOptimizer whether the saves to come include the optimizer
   */
  default void prepare(boolean includeOptimizer) {}

  /** Removes one tag's files once earlier saves completed; other tags are untouched. */
  CompletableFuture<Void> delete(CheckpointTag tag);

  /**
   * Waits until the saves and deletes requested so far are in the store (resumable saves requested
   * in the current hook are taken after it and are not waited for), so that a callback can read a
   * checkpoint another callback just wrote. Default: nothing to wait for.
   */
  default void flush() {}
}
