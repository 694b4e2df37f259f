package ai.noether.core.checkpoint;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the checkpoints of one stage that are no longer kept: those retention gives up, and the
 * previous best checkpoint of a metric still stored under the name older versions wrote. Runs on
 * the writer thread, queued behind the saves.
 */
final class CheckpointDeleter {
  // The writer's logger: these lines are part of its log, as users read it.
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundCheckpointWriter.class);

  private final CheckpointStore store;
  private final StageId stage;

  CheckpointDeleter(CheckpointStore store, StageId stage) {
    this.store = store;
    this.stage = stage;
  }

  /**
   * Deletes {@code tag} if the stage has it.
   *
   * @throws UncheckedIOException if the store fails
   */
  void delete(CheckpointTag tag) {
    try {
      // Said only when there was something to delete: a tag scheduled before a resume may be long
      // gone, or belong to the stage this one was resumed from.
      boolean present = store.list(stage).stream().anyMatch(c -> c.tag().equals(tag));
      store.delete(stage, tag);
      if (present) {
        LOG.info("deleted checkpoint {} of {}", tag, stage);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete checkpoint " + tag + " of " + stage, e);
    }
  }

  /**
   * A new best checkpoint replaces the previous best of its metric also when that one was saved
   * under the name older versions wrote ({@code best.nasa%5Fscore~valid} for {@code
   * best.nasa_score~valid}): otherwise it would stay forever beside the new one.
   */
  void retireOldSpellings(CheckpointTag saved) throws IOException {
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
}
