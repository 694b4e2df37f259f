package ai.noether.api.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One consistent read of a stage, as a store gives it to selector resolution.
 *
 * @param stage the stage read
 * @param checkpoints its complete checkpoints, aliases included, ordered by iteration (oldest
 *     first); never null, possibly empty
 * @param iterationUnknown tags among {@code checkpoints} whose iteration the store could not tell
 *     (they carry {@link TrainingIteration#ZERO}); e.g. a {@code latest} written by Noether in
 *     Python whose files hold no counters
 * @param unreadable tags whose commit record exists but cannot be trusted, with why; a selector
 *     that names one exactly fails with that reason instead of "not found"
 */
public record StageContents(
    StageId stage,
    List<StoredCheckpoint> checkpoints,
    Set<CheckpointTag> iterationUnknown,
    Map<CheckpointTag, CorruptCheckpointException> unreadable) {

  public StageContents {
    Objects.requireNonNull(stage, "stage");
    checkpoints = List.copyOf(checkpoints);
    iterationUnknown = Set.copyOf(iterationUnknown);
    unreadable = Map.copyOf(unreadable);
  }

  /** {@code E1_U10_S320}, {@code latest @ E1_U10_S320}, {@code latest @ unknown iteration}. */
  public String describe(StoredCheckpoint c) {
    if (c.tag() instanceof CheckpointTag.AtIteration) {
      return c.tag().token();
    }
    return c.tag().token()
        + " @ "
        + (iterationUnknown.contains(c.tag()) ? "unknown iteration" : c.iteration().toString());
  }
}
