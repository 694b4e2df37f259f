package ai.noether.core.resume;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.TrainerStateFile;
import java.util.Map;
import java.util.Objects;

/**
 * The files of one checkpoint, read for a resume.
 *
 * @param stored the checkpoint as its store lists it; never null
 * @param stateDict the model weights by parameter path; never null
 * @param trainer the tree of the {@code _trainer.th} file; never null
 * @param optimizer the optimizer state, or null when the checkpoint was saved without {@code
 *     _optim.th}
 * @param schedule the LR schedule state; empty when the schedule keeps none
 */
public record LoadedCheckpoint(
    StoredCheckpoint stored,
    Map<String, HostTensor> stateDict,
    Map<String, Object> trainer,
    @Nullable Map<String, Object> optimizer,
    @Nullable Map<String, Object> schedule) {

  public LoadedCheckpoint {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(stateDict, "stateDict");
    Objects.requireNonNull(trainer, "trainer");
    schedule = schedule == null ? Map.of() : schedule;
  }

  /**
   * The iteration to continue from: the one the store committed, or for a checkpoint written by
   * Noether (Python) the {@code training_iteration} of its trainer file (the store cannot know the
   * iteration behind such a {@code latest}).
   */
  public TrainingIteration iteration() {
    return TrainerStateFile.read(trainer, stored.stage() + "@" + stored.tag().token())
        .foreignIteration()
        .orElse(stored.iteration());
  }

  /** {@code run/stage@tag}, e.g. {@code 260315-142233-k3x9/train@E2_U40_S1280}. */
  public String source() {
    return stored.stage()
        + "@"
        + stored.tag().token()
        + (stored.tag().token().equals(iteration().toString()) ? "" : " (" + iteration() + ")");
  }
}
