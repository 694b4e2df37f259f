package ai.noether.api.optim;

import java.util.Map;

/**
 * The learning rate as a function of training progress. Most schedules depend only on the update
 * counter and need no saved state; stateful ones (reduce-on-plateau) also implement {@link
 * ai.noether.api.state.Stateful}.
 */
public interface LrSchedule {

  /**
   * The learning rate for the update about to run.
   *
   * @param baseLr the optimizer's configured learning rate
   * @param update updates completed so far (0 for the first update)
   * @param totalUpdates updates the run will make in total, or -1 if unknown
   */
  double learningRate(double baseLr, long update, long totalUpdates);

  /** Called after each evaluation with its metrics; only stateful schedules use it. */
  default void onEvaluation(Map<String, Double> metrics) {}
}
