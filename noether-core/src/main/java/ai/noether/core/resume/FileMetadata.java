package ai.noether.core.resume;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Map;
import java.util.Optional;

/**
 * Cross-checks what a checkpoint file says about itself ({@code training_iteration}, {@code
 * checkpoint_tag}) with what its store recorded for it. The store's record (a manifest) and the
 * file are written separately, so damage to either shows as a disagreement; without this check a
 * manifest whose counters changed would move a resume to other counters silently.
 *
 * <p>Files without the keys (PyTorch state dicts) are not checked. Files written without store
 * checksums (by Noether in Python) are checked only where their tag says their iteration.
 */
public final class FileMetadata {
  private FileMetadata() {}

  /**
   * Checks the metadata of {@code tree}, read from {@code file} of {@code checkpoint}.
   *
   * @param location the file's absolute path (or URL), for the message
   * @throws CorruptCheckpointException naming {@code location} and what disagrees
   */
  public static void requireConsistent(
      Map<String, Object> tree, StoredCheckpoint checkpoint, StoredFile file, String location) {
    Optional<TrainingIteration> recorded = iteration(tree, location);
    boolean iterationKnown =
        file.hasChecksum() || checkpoint.tag() instanceof CheckpointTag.AtIteration;
    if (recorded.isPresent() && iterationKnown && !recorded.get().equals(checkpoint.iteration())) {
      throw new CorruptCheckpointException(
          "file "
              + location
              + " records "
              + CheckpointKeys.TRAINING_ITERATION
              + " "
              + recorded.get()
              + ", but checkpoint "
              + checkpoint.tag().token()
              + " of "
              + checkpoint.stage()
              + " is recorded by its store at "
              + checkpoint.iteration()
              + "; the store's record or the file is damaged");
    }
    if (tree.get(CheckpointKeys.CHECKPOINT_TAG) instanceof String text) {
      CheckpointTag written;
      try {
        written = CheckpointTag.parse(text);
      } catch (InvalidNameException e) {
        if (!file.hasChecksum()) {
          return; // a tag of another writer's making
        }
        throw new CorruptCheckpointException(
            "file "
                + location
                + " records "
                + CheckpointKeys.CHECKPOINT_TAG
                + " '"
                + text
                + "', which is not a checkpoint tag: "
                + e.getMessage());
      }
      if (!belongs(written, checkpoint)) {
        throw new CorruptCheckpointException(
            "file "
                + location
                + " records "
                + CheckpointKeys.CHECKPOINT_TAG
                + " "
                + written.token()
                + ", which is not checkpoint "
                + checkpoint.describe()
                + " of "
                + checkpoint.stage()
                + " it was read as"
                + (checkpoint.tag().isAlias()
                    ? " (an alias holds the files of one iteration"
                        + " checkpoint at its own iteration)"
                    : "")
                + "; the store's record or the file is damaged");
      }
    }
  }

  /**
   * A file written under tag {@code written} can be read as {@code checkpoint}: its own tag, or for
   * an alias ({@code latest}, {@code last}) the iteration or emergency tag it was moved to, at the
   * same iteration.
   */
  private static boolean belongs(CheckpointTag written, StoredCheckpoint checkpoint) {
    if (written.equals(checkpoint.tag())) {
      return true;
    }
    return checkpoint.tag().isAlias()
        && written instanceof CheckpointTag.AtIteration at
        && at.iteration().equals(checkpoint.iteration());
  }

  /**
   * The {@code training_iteration} a file records: {@code {epoch, update, sample}} or {@code
   * E.._U.._S..}.
   */
  public static Optional<TrainingIteration> iteration(Map<String, Object> tree, String location) {
    Object value = tree.get(CheckpointKeys.TRAINING_ITERATION);
    try {
      if (value instanceof Map<?, ?> map) {
        return Optional.of(
            new TrainingIteration(
                count(map, CheckpointKeys.EPOCH),
                count(map, CheckpointKeys.UPDATE),
                count(map, CheckpointKeys.SAMPLE)));
      }
      if (value instanceof String text) {
        return Optional.of(TrainingIteration.parse(text));
      }
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException(
          "file "
              + location
              + " records a "
              + CheckpointKeys.TRAINING_ITERATION
              + " that is not an iteration ("
              + value
              + "): "
              + e.getMessage(),
          e);
    }
    return Optional.empty();
  }

  private static long count(Map<?, ?> map, String key) {
    if (map.get(key) instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("'" + key + "' is " + map.get(key) + ", not a number");
  }
}
