package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Map;
import java.util.Objects;

/**
 * The trainer's part of a checkpoint, read back for a resume. Model weights are not here: they are
 * loaded into the model before the trainer is restored.
 *
 * @param iteration the counters the checkpoint was taken at; never null
 * @param trainer the tree of the {@code _trainer.th} file; never null
 * @param optimizer the optimizer state, or null when the checkpoint was saved without it (the
 *     optimizer then starts fresh, which the caller reports)
 * @param schedule the LR schedule state; empty for stateless schedules
 * @param source a description of the checkpoint ({@code run/stage@tag}) for the history's resume
 *     marker; never null
 */
public record ResumeState(
    TrainingIteration iteration,
    Map<String, Object> trainer,
    @Nullable Map<String, Object> optimizer,
    @Nullable Map<String, Object> schedule,
    String source) {

  public ResumeState {
    Objects.requireNonNull(iteration, "iteration");
    Objects.requireNonNull(trainer, "trainer");
    schedule = schedule == null ? Map.of() : schedule;
    Objects.requireNonNull(source, "source");
  }
}
