package ai.noether.callbacks.stopping;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.state.Stateful;
import ai.noether.callbacks.metric.BestTracker;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when the watched metric has not improved for {@code patience} values in a row (it
 * counts each time the metric is logged, usually each evaluation). A value improves when it beats
 * the best by more than {@code min_delta}; NaN never improves.
 *
 * <p><b>Resume.</b> The best value, its iteration and the count since are this callback's state
 * (key {@code early-stopping/<metric_key>}): a resumed run continues counting where the checkpoint
 * left off. Resuming from a checkpoint written after the stop (e.g. {@code last}) with the same
 * patience stops again at once; raise {@code patience} to train on.
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class EarlyStoppingCallback implements Callback, Stateful {
  private static final Logger LOG = LoggerFactory.getLogger(EarlyStoppingCallback.class);

  /** The prefix of the state key; the metric key follows. */
  public static final String STATE_KEY_PREFIX = "early-stopping/";

  private final EarlyStoppingCallbackConfig config;
  private final BestTracker tracker;

  /**
   * A callback watching in {@code direction}.
   *
   * @param direction whether lower or higher values of the metric are better
   */
  public EarlyStoppingCallback(EarlyStoppingCallbackConfig config, Direction direction) {
    this.config = Objects.requireNonNull(config, "config");
    this.tracker = new BestTracker(direction, config.minDelta());
  }

  /**
   * A callback in the configured {@code mode}, or for a loss (what every step declares).
   *
   * @throws IllegalArgumentException when neither tells the direction
   */
  public EarlyStoppingCallback(EarlyStoppingCallbackConfig config) {
    this(config, config.direction(MetricDirections.DEFAULT));
  }

  /** {@code early-stopping/<metric_key>}. */
  @Override
  public String stateKey() {
    return STATE_KEY_PREFIX + config.metricKey();
  }

  /** Values in a row without improvement so far. */
  public long sinceBest() {
    return tracker.sinceBest();
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    stopIfExhausted(context);
  }

  @Override
  public void onMetricsLogged(TrainingContext context, Map<String, Double> metrics) {
    Double value = metrics.get(config.metricKey());
    if (value == null) {
      return;
    }
    tracker.observe(value, context.iteration());
    stopIfExhausted(context);
  }

  private void stopIfExhausted(TrainingContext context) {
    if (tracker.sinceBest() < config.patience()) {
      return;
    }
    String reason =
        "early stopping: "
            + config.metricKey()
            + " did not improve"
            + (config.minDelta() > 0 ? " by more than " + config.minDelta() : "")
            + " for "
            + tracker.sinceBest()
            + " evaluations (patience "
            + config.patience()
            + "); best "
            + tracker.best()
            + (tracker.bestIteration() == null ? "" : " at " + tracker.bestIteration());
    if (!context.stopRequested()) {
      LOG.info("{}", reason);
    }
    context.requestStop(reason);
  }

  /** {@code best}, {@code best_iteration} and {@code since_best}. */
  @Override
  public Map<String, Object> state() {
    return tracker.state();
  }

  @Override
  public void loadState(Map<String, Object> state) {
    tracker.loadState(state);
  }
}
