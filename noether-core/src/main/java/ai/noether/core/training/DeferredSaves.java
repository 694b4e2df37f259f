package ai.noether.core.training;

import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Resumable saves that callbacks request during an iteration. They are taken once, after every hook
 * of the iteration ran, so the checkpoint holds the complete state of that iteration; each request
 * completes with that one checkpoint.
 */
final class DeferredSaves {
  private final CheckpointWriter writer;
  private final List<CompletableFuture<StoredCheckpoint>> waiting = new ArrayList<>();
  private boolean includeOptimizer;
  private boolean moveLatest;

  DeferredSaves(CheckpointWriter writer) {
    this.writer = writer;
  }

  /** A save at the end of this iteration; the flags of all requests of an iteration add up. */
  CompletableFuture<StoredCheckpoint> request(boolean withOptimizer, boolean latest) {
    CompletableFuture<StoredCheckpoint> f = new CompletableFuture<>();
    waiting.add(f);
    includeOptimizer |= withOptimizer;
    moveLatest |= latest;
    return f;
  }

  /** Takes the one save the iteration's requests asked for, if any. */
  void commit() {
    if (waiting.isEmpty()) {
      return;
    }
    List<CompletableFuture<StoredCheckpoint>> done = List.copyOf(waiting);
    CompletableFuture<StoredCheckpoint> save = writer.saveResumable(includeOptimizer, moveLatest);
    waiting.clear();
    includeOptimizer = false;
    moveLatest = false;
    save.whenComplete(
        (stored, error) ->
            done.forEach(
                f -> {
                  if (error != null) {
                    f.completeExceptionally(error);
                  } else {
                    f.complete(stored);
                  }
                }));
  }
}
