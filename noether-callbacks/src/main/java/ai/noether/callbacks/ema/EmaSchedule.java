package ai.noether.callbacks.ema;

/**
 * When the EMA steps and with which factor: a step after every N-th update, each update averaged at
 * most once, and with {@code warmup} the factor of step {@code n} is {@code min(factor, (1 + n) /
 * (10 + n))}. Counts the steps taken and remembers the update of the last one, which a resumed run
 * restores to continue the averages bit for bit.
 */
final class EmaSchedule {
  private final EmaCallbackConfig config;
  private long steps;
  private long lastStepUpdate = -1;

  EmaSchedule(EmaCallbackConfig config) {
    this.config = config;
  }

  /** True if update {@code update} is due for a step that has not been taken yet. */
  boolean isDue(long update) {
    return update != lastStepUpdate && update % config.everyNUpdates() == 0;
  }

  /**
   * The weight of the current weights in the next step, {@code 1 - factor}, for each target factor
   * in config order.
   */
  double[] nextStepWeights() {
    double[] weights = new double[config.targetFactors().size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 - factor(i);
    }
    return weights;
  }

  /** The factor of EMA step number {@link #steps} for factor {@code i}. */
  private double factor(int i) {
    double target = config.targetFactors().get(i);
    if (!config.warmup()) {
      return target;
    }
    return Math.min(target, (1.0 + steps) / (10.0 + steps));
  }

  /** Records the step of update {@code update}. */
  void stepped(long update) {
    steps++;
    lastStepUpdate = update;
  }

  /** A fresh start at {@code update}: its weights are the shadows' starting point, not a step. */
  void startAt(long update) {
    lastStepUpdate = update;
  }

  /** Continues from a checkpoint's counters. */
  void restore(long steps, long lastStepUpdate) {
    this.steps = steps;
    this.lastStepUpdate = lastStepUpdate;
  }

  long steps() {
    return steps;
  }

  long lastStepUpdate() {
    return lastStepUpdate;
  }
}
