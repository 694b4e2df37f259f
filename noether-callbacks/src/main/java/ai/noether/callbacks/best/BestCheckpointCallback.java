package ai.noether.callbacks.best;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.state.Stateful;
import ai.noether.callbacks.internal.StateValues;
import ai.noether.callbacks.metric.BestTracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the models whenever the watched metric reaches a new best value, as model files under
 * {@code best.{metric}} ({@code mlp_cp=best.loss~valid~total_model.th}), each save replacing the
 * previous best. It reacts whenever the metric is logged (usually at each evaluation; the EMA
 * callback's {@code .../ema=<factor>} metrics too). A value improves on the best when it is
 * strictly smaller ({@code min}) or larger ({@code max}); NaN never does.
 *
 * <p><b>Tolerances.</b> For each configured N, a second checkpoint {@code best.{metric}.tolerance{N}}
 * is written together with the best one until the first time N values in a row fail to improve;
 * from then on it is frozen. It is the checkpoint early stopping with {@code patience: N} would have
 * ended with, so one run shows what several patiences would have given.
 *
 * <p><b>Resume.</b> The best value, its iteration, the count of values since, and the tolerance
 * checkpoints' status are this callback's state (key {@code best-checkpoint/<metric_key>}), so a
 * resumed run keeps comparing against the best of the whole stage. It writes and replaces only its
 * own tags; it never deletes anything.
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class BestCheckpointCallback implements Callback, Stateful {
  private static final Logger LOG = LoggerFactory.getLogger(BestCheckpointCallback.class);
  /** The prefix of the state key; the metric key follows. */
  public static final String STATE_KEY_PREFIX = "best-checkpoint/";
  static final String TOLERANCES = "tolerances";
  static final String FROZEN = "frozen";

  private final BestCheckpointCallbackConfig config;
  private final BestTracker tracker;
  /** Per tolerance: the tracker of the values it kept (its best), and whether it is frozen. */
  private final Map<Integer, Tolerance> tolerances = new LinkedHashMap<>();

  private static final class Tolerance {
    final BestTracker kept;
    boolean frozen;

    Tolerance(BestCheckpointCallbackConfig config) {
      kept = new BestTracker(config.metricMode(), 0);
    }
  }

  public BestCheckpointCallback(BestCheckpointCallbackConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.tracker = new BestTracker(config.metricMode(), 0);
    for (int n : config.tolerances()) {
      tolerances.put(n, new Tolerance(config));
    }
  }

  /** The tag of the best checkpoint: {@code best.{metric}}. */
  public CheckpointTag bestTag() {
    return CheckpointTag.best(config.metricKey());
  }

  /** The tag of the tolerance-N checkpoint: {@code best.{metric}.tolerance{N}}. */
  public CheckpointTag toleranceTag(int n) {
    return CheckpointTag.best(config.metricKey() + ".tolerance" + n);
  }

  /** The best value so far, or null before the first one. */
  public Double best() {
    return tracker.best();
  }

  /** {@code best-checkpoint/<metric_key>}. */
  @Override
  public String stateKey() {
    return STATE_KEY_PREFIX + config.metricKey();
  }

  @Override
  public void onMetricsLogged(TrainingContext context, Map<String, Double> metrics) {
    Double value = metrics.get(config.metricKey());
    if (value == null) {
      return;
    }
    if (!tracker.observe(value, context.iteration())) {
      for (Map.Entry<Integer, Tolerance> t : tolerances.entrySet()) {
        if (!t.getValue().frozen && tracker.sinceBest() >= t.getKey()) {
          t.getValue().frozen = true;
          LOG.info("{} did not improve for {} values; {} stays at {} from {}", config.metricKey(), t.getKey(),
              toleranceTag(t.getKey()), t.getValue().kept.best(), t.getValue().kept.bestIteration());
        }
      }
      return;
    }
    List<ModelSnapshot> models = new ArrayList<>();
    for (Model m : context.models().values()) {
      models.add(new ModelSnapshot(m.name(), null, m.stateDict()));
    }
    if (config.saveEma()) {
      models.addAll(context.callbackModels());
    }
    LOG.info("new best {} = {} at {}; saving {}", config.metricKey(), ai.noether.core.training.MetricFormat.format(value),
        context.iteration(), bestTag());
    context.checkpoints().saveModels(bestTag(), models);
    for (Map.Entry<Integer, Tolerance> t : tolerances.entrySet()) {
      if (!t.getValue().frozen) {
        t.getValue().kept.observe(value, context.iteration());
        context.checkpoints().saveModels(toleranceTag(t.getKey()), models);
      }
    }
  }

  /**
   * {@code best}, {@code best_iteration}, {@code since_best} and {@code tolerances}: per N (as a
   * string key) the kept {@code best}, {@code best_iteration} and {@code frozen}.
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>(tracker.state());
    Map<String, Object> t = new LinkedHashMap<>();
    tolerances.forEach((n, tol) -> {
      Map<String, Object> entry = new LinkedHashMap<>(tol.kept.state());
      entry.put(FROZEN, tol.frozen);
      t.put(Integer.toString(n), entry);
    });
    s.put(TOLERANCES, t);
    return s;
  }

  @Override
  public void loadState(Map<String, Object> state) {
    Map<String, Object> saved = StateValues.requireMap(state, TOLERANCES);
    BestTracker loaded = new BestTracker(tracker.mode(), 0);
    loaded.loadState(state);
    Map<Integer, Map<String, Object>> savedTolerances = new LinkedHashMap<>();
    for (Integer n : tolerances.keySet()) {
      if (saved.containsKey(n.toString())) {
        savedTolerances.put(n, StateValues.requireMap(saved, n.toString()));
        StateValues.requireBoolean(savedTolerances.get(n), FROZEN);
      }
    }
    tracker.loadState(state);
    for (Map.Entry<Integer, Tolerance> t : tolerances.entrySet()) {
      Map<String, Object> entry = savedTolerances.get(t.getKey());
      if (entry == null) {
        // A tolerance added since the checkpoint has no history to judge; it starts now.
        LOG.info("tolerance {} of {} is new since the checkpoint; it follows the best from the next improvement on", t.getKey(),
            config.metricKey());
        continue;
      }
      t.getValue().kept.loadState(entry);
      t.getValue().frozen = StateValues.requireBoolean(entry, FROZEN);
    }
  }
}
