package ai.noether.api.logger;

import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Objects;

/**
 * Where a stage continued from a checkpoint.
 *
 * @param iteration the iteration training continued at; never null
 * @param source the checkpoint it continued from, as the resume described it ({@code
 *     run/stage/checkpoints/...}); never null
 */
public record ResumePoint(TrainingIteration iteration, String source) {
  public ResumePoint {
    Objects.requireNonNull(iteration, "iteration");
    Objects.requireNonNull(source, "source");
  }
}
