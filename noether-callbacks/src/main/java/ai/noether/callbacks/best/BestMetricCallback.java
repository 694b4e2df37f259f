package ai.noether.callbacks.best;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.state.Stateful;
import ai.noether.callbacks.internal.StateValues;
import ai.noether.callbacks.metric.BestTracker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reports other metrics as they were when a source metric was at its best: each time the source is
 * logged, every target is logged as {@code <target>/at_best/<source>} with its value from the
 * iteration of the source's best so far (e.g. {@code accuracy/valid/at_best/loss/valid/total} is
 * the validation accuracy of the evaluation with the lowest validation loss). A target that had no
 * value at that iteration is not logged.
 *
 * <p>Targets are read when the source improves: the configured {@code target_keys} from the latest
 * logged values, or by default every other metric logged together with the source.
 *
 * <p><b>Resume.</b> The source's best value and iteration and the targets' values are this
 * callback's state (key {@code best-metric/<source_key>}).
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class BestMetricCallback implements Callback, Stateful {
  /** The prefix of the state key; the source key follows. */
  public static final String STATE_KEY_PREFIX = "best-metric/";

  /** The word between target and source in the logged keys. */
  public static final String AT_BEST = "/at_best/";

  static final String VALUES = "values";

  private final BestMetricCallbackConfig config;
  private final BestTracker tracker;
  private final Map<String, Double> atBest = new LinkedHashMap<>();
  private boolean logging;

  /**
   * A callback selecting in {@code direction}.
   *
   * @param direction whether lower or higher values of the source are better
   */
  public BestMetricCallback(BestMetricCallbackConfig config, Direction direction) {
    this.config = Objects.requireNonNull(config, "config");
    this.tracker = new BestTracker(direction, 0);
  }

  /**
   * A callback in the configured {@code mode}, or for a loss (what every step declares).
   *
   * @throws IllegalArgumentException when neither tells the direction
   */
  public BestMetricCallback(BestMetricCallbackConfig config) {
    this(config, config.direction(MetricDirections.DEFAULT));
  }

  /** The key a target is logged under: {@code <target>/at_best/<source>}. */
  public static String key(String target, String source) {
    return target + AT_BEST + source;
  }

  /** {@code best-metric/<source_key>}. */
  @Override
  public String stateKey() {
    return STATE_KEY_PREFIX + config.sourceKey();
  }

  @Override
  public void onMetricsLogged(TrainingContext context, Map<String, Double> metrics) {
    Double value = metrics.get(config.sourceKey());
    // Our own logging comes back through this hook; it never carries the source.
    if (value == null || logging) {
      return;
    }
    if (tracker.observe(value, context.iteration())) {
      atBest.clear();
      if (config.targetKeys().isEmpty()) {
        metrics.forEach(
            (k, v) -> {
              if (!k.equals(config.sourceKey()) && !k.contains(AT_BEST)) {
                atBest.put(k, v);
              }
            });
      } else {
        for (String target : config.targetKeys()) {
          Double v =
              metrics.containsKey(target) ? metrics.get(target) : context.metrics().get(target);
          if (v != null) {
            atBest.put(target, v);
          }
        }
      }
    }
    logging = true;
    try {
      for (Map.Entry<String, Double> e : new LinkedHashMap<>(atBest).entrySet()) {
        context.logMetric(key(e.getKey(), config.sourceKey()), e.getValue());
      }
    } finally {
      logging = false;
    }
  }

  /** The targets' values at the source's best so far (a copy). */
  public Map<String, Double> valuesAtBest() {
    return Map.copyOf(atBest);
  }

  /**
   * {@code best}, {@code best_iteration}, {@code since_best} and {@code values} (target → value).
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>(tracker.state());
    s.put(VALUES, new LinkedHashMap<String, Object>(atBest));
    return s;
  }

  @Override
  public void loadState(Map<String, Object> state) {
    Map<String, Object> values = StateValues.requireMap(state, VALUES);
    Map<String, Double> loaded = new LinkedHashMap<>();
    for (String k : values.keySet()) {
      Double v = StateValues.optionalDouble(values, k);
      if (v == null) {
        throw new IllegalArgumentException(
            "state key '" + VALUES + "' must map metric keys to numbers, found null for " + k);
      }
      loaded.put(k, v);
    }
    tracker.loadState(state);
    atBest.clear();
    atBest.putAll(loaded);
  }
}
