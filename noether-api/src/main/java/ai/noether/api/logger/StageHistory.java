package ai.noether.api.logger;

import java.util.List;

/**
 * A stage's metric history as its {@value ai.noether.api.checkpoint.RunLayout#HISTORY_FILE} holds
 * it: every logged group of metrics and every point where the stage resumed from a checkpoint, each
 * in the order they happened.
 *
 * @param metrics the logged metrics in logging order; never null, possibly empty, unmodifiable
 * @param resumes the resume points in order; never null, possibly empty, unmodifiable
 */
public record StageHistory(List<LoggedMetrics> metrics, List<ResumePoint> resumes) {
  /** The history's file in the stage directory, next to its {@code checkpoints/}. */
  public StageHistory {
    metrics = List.copyOf(metrics);
    resumes = List.copyOf(resumes);
  }
}
