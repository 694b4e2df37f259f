package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the checkpoint writer has committed that later saves look at: the newest resumable
 * checkpoint, the newest one that also holds the optimizer (a save of the same state under the same
 * tag points its aliases at it instead of writing it again), and how long the newest resumable save
 * took. Written on the writer thread, read on the training thread.
 */
final class CommittedCheckpoints {
  @Nullable private volatile StoredCheckpoint lastResumable;

  /** The newest committed resumable checkpoint that holds the optimizer; null if none. */
  @Nullable private volatile StoredCheckpoint lastComplete;

  /**
   * The trainer part of {@link #lastComplete}'s snapshot (callback states, history): not staged.
   */
  @Nullable private volatile Map<String, Object> lastCompleteTrainer;

  private volatile SaveTimings lastTimings = SaveTimings.NONE;

  /**
   * What to record once a resumable save is committed, on the writer thread and before its future
   * completes (so that the next save sees it): it becomes {@link #lastResumable()}, and, with the
   * optimizer, the one to alias at the same iteration.
   *
   * @param withOptimizer the snapshot saved if it holds the optimizer, else null
   * @param waitNanos how long the save waited for the previous one
   * @param snapshotNanos how long taking its snapshot took
   */
  Consumer<StoredCheckpoint> onCommit(
      @Nullable TrainingSnapshot withOptimizer, long waitNanos, long snapshotNanos) {
    long submitted = System.nanoTime();
    return stored -> {
      lastResumable = stored;
      lastComplete = withOptimizer != null ? stored : null;
      lastCompleteTrainer = withOptimizer != null ? withOptimizer.trainer() : null;
      lastTimings = new SaveTimings(waitNanos, snapshotNanos, System.nanoTime() - submitted);
    };
  }

  /**
   * The committed checkpoint that a resumable save of {@code snapshot} under {@code tag} and {@code
   * aliases} would only write again, or null. Same tag and counters: weights and optimizer are
   * unchanged (only an update changes them); the rest (callback states, history) may have moved
   * since, e.g. retention at the end of training, and is compared.
   */
  @Nullable
  StoredCheckpoint sameAs(
      CheckpointTag tag, Set<CheckpointTag> aliases, TrainingSnapshot snapshot) {
    StoredCheckpoint committed = lastComplete;
    Map<String, Object> committedTrainer = lastCompleteTrainer;
    if (!aliases.isEmpty()
        && committed != null
        && committed.tag().equals(tag)
        && committed.iteration().equals(snapshot.iteration())
        && StateEquality.same(committedTrainer, snapshot.trainer())) {
      return committed;
    }
    return null;
  }

  /** {@code tag} is being deleted: a later save must not alias it. */
  void forget(CheckpointTag tag) {
    StoredCheckpoint complete = lastComplete;
    if (complete != null && complete.tag().equals(tag)) {
      lastComplete = null;
    }
  }

  /** The newest resumable checkpoint committed, or null if none yet. */
  @Nullable
  StoredCheckpoint lastResumable() {
    return lastResumable;
  }

  /** How long the newest committed resumable save took; {@link SaveTimings#NONE} before one. */
  SaveTimings lastTimings() {
    return lastTimings;
  }
}
