package ai.noether.api.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training update reports: the batch's mean loss and any further metrics of the update
 * (per-head losses, the gradient norm).
 *
 * @param loss the mean loss of the batch, the value the trainer logs as {@code loss/train/total}
 * @param metrics further metrics by full key ({@code loss/train/head1}, {@code grad_norm/train}),
 *     averaged by the trainer over its logging interval like the loss; unmodifiable, in the step's
 *     order, possibly empty
 */
public record StepResult(double loss, Map<String, Double> metrics) {
  public StepResult {
    metrics =
        metrics.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A result with the loss only. */
  public static StepResult of(double loss) {
    return new StepResult(loss, Map.of());
  }
}
