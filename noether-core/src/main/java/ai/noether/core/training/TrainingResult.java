package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Map;

/**
 * How a training run ended.
 *
 * @param iteration the counters at the end
 * @param metrics the most recent value of every metric
 * @param finalCheckpoint the checkpoint written at the end ({@code last}, or the emergency one)
 * @param stop the early stop that ended training, or null if it ran to its limit
 */
public record TrainingResult(
    TrainingIteration iteration,
    Map<String, Double> metrics,
    StoredCheckpoint finalCheckpoint,
    @Nullable StopRequest.Stop stop) {

  /** True when training was interrupted and should be resumed. */
  public boolean interrupted() {
    return stop != null && stop.kind() == StopRequest.Kind.INTERRUPTED;
  }
}
