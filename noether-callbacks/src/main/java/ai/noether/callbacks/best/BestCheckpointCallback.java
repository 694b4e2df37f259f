package ai.noether.callbacks.best;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
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
 * <p><b>Tolerances.</b> For each configured N, a second checkpoint {@code
 * best.{metric}.tolerance{N}} is written together with the best one until the first time N values
 * in a row fail to improve; from then on it is frozen. It is the checkpoint early stopping with
 * {@code patience: N} would have ended with, so one run shows what several patiences would have
 * given.
 *
 * <p><b>Top k.</b> With {@code save_top_k: k > 1} it also keeps the model files of the k best
 * values so far, each under {@code best.{metric}.E{epoch}_U{update}_S{sample}} (the iteration it
 * was seen at). A value enters when fewer than k are kept or it beats the worst kept one; the one
 * that drops out has its tag deleted. Ties keep the earlier value.
 *
 * <p><b>Resume.</b> The best value, its iteration, the count of values since, the tolerance
 * checkpoints' status and the kept top-k values with their iterations are this callback's state
 * (key {@code best-checkpoint/<metric_key>}), so a resumed run keeps comparing against the best of
 * the whole stage and deletes exactly the top-k tags it would have deleted. It writes and replaces
 * only its own tags, and deletes only top-k tags its state keeps: tags of other callbacks and
 * periodic checkpoints are never touched (the store deletes one tag's names only, even when another
 * tag shares its files). Resuming from a checkpoint older than the newest top-k save leaves the
 * top-k tags written after it on disk, as they were.
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class BestCheckpointCallback implements Callback, Stateful {
  private static final Logger LOG = LoggerFactory.getLogger(BestCheckpointCallback.class);

  /** The prefix of the state key; the metric key follows. */
  public static final String STATE_KEY_PREFIX = "best-checkpoint/";

  static final String TOLERANCES = "tolerances";
  static final String FROZEN = "frozen";
  static final String TOP_K = "top_k";
  static final String VALUE = "value";
  static final String ITERATION = "iteration";

  private final BestCheckpointCallbackConfig config;
  private final BestTracker tracker;

  /** Per tolerance: the tracker of the values it kept (its best), and whether it is frozen. */
  private final Map<Integer, Tolerance> tolerances = new LinkedHashMap<>();

  private final Direction direction;

  /** With save_top_k above 1: the kept values, best first. */
  private final List<Kept> topK = new ArrayList<>();

  /** A top-k checkpoint: its value and the iteration it was seen (and saved) at. */
  private record Kept(double value, TrainingIteration iteration) {}

  private static final class Tolerance {
    final BestTracker kept;
    boolean frozen;

    Tolerance(Direction direction) {
      kept = new BestTracker(direction, 0);
    }
  }

  /**
   * A callback selecting in {@code direction}.
   *
   * @param direction whether lower or higher values of the metric are better
   */
  public BestCheckpointCallback(BestCheckpointCallbackConfig config, Direction direction) {
    this.config = Objects.requireNonNull(config, "config");
    this.direction = Objects.requireNonNull(direction, "direction");
    this.tracker = new BestTracker(direction, 0);
    for (int n : config.tolerances()) {
      tolerances.put(n, new Tolerance(direction));
    }
  }

  /**
   * A callback in the configured {@code mode}, or for a loss (what every step declares).
   *
   * @throws IllegalArgumentException when neither tells the direction
   */
  public BestCheckpointCallback(BestCheckpointCallbackConfig config) {
    this(config, config.direction(MetricDirections.DEFAULT));
  }

  /** The tag of the best checkpoint: {@code best.{metric}}. */
  public CheckpointTag bestTag() {
    return CheckpointTag.best(config.metricKey());
  }

  /** The tag of the tolerance-N checkpoint: {@code best.{metric}.tolerance{N}}. */
  public CheckpointTag toleranceTag(int n) {
    return CheckpointTag.best(config.metricKey() + ".tolerance" + n);
  }

  /** The tag of a top-k checkpoint: {@code best.{metric}.E{epoch}_U{update}_S{sample}}. */
  public CheckpointTag topKTag(TrainingIteration at) {
    return CheckpointTag.best(config.metricKey() + "." + at);
  }

  /**
   * The iterations of the kept top-k checkpoints, best first; empty unless save_top_k is above 1.
   */
  public List<TrainingIteration> topK() {
    return topK.stream().map(Kept::iteration).toList();
  }

  /** The best value so far, or null before the first one. */
  public @Nullable Double best() {
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
    if (config.saveTopK() > 1) {
      keepTopK(context, value);
    }
    if (!tracker.observe(value, context.iteration())) {
      for (Map.Entry<Integer, Tolerance> t : tolerances.entrySet()) {
        if (!t.getValue().frozen && tracker.sinceBest() >= t.getKey()) {
          t.getValue().frozen = true;
          LOG.info(
              "{} did not improve for {} values; {} stays at {} from {}",
              config.metricKey(),
              t.getKey(),
              toleranceTag(t.getKey()),
              t.getValue().kept.best(),
              t.getValue().kept.bestIteration());
        }
      }
      return;
    }
    LOG.info(
        "new best {} = {} at {}; saving {}",
        config.metricKey(),
        ai.noether.api.metric.MetricFormat.format(value),
        context.iteration(),
        bestTag());
    // Taken by the writer once the previous save is done, into the memory it reuses from save to
    // save; the tolerance tags write the same copies (no new snapshot in between overwrites them).
    List<List<ModelSnapshot>> taken = new ArrayList<>(1);
    context
        .checkpoints()
        .saveModels(
            bestTag(),
            () -> {
              taken.add(models(context));
              return taken.get(0);
            });
    for (Map.Entry<Integer, Tolerance> t : tolerances.entrySet()) {
      if (!t.getValue().frozen) {
        t.getValue().kept.observe(value, context.iteration());
        context.checkpoints().saveModels(toleranceTag(t.getKey()), taken.get(0));
      }
    }
  }

  private List<ModelSnapshot> models(TrainingContext context) {
    List<ModelSnapshot> models = new ArrayList<>();
    for (Model m : context.models().values()) {
      models.add(new ModelSnapshot(m.name(), null, m.stateDict()));
    }
    if (config.saveEma()) {
      models.addAll(context.callbackModels());
    }
    return models;
  }

  /**
   * Saves the value's models under its top-k tag if it is among the k best; deletes what drops out.
   */
  private void keepTopK(TrainingContext context, double value) {
    TrainingIteration at = context.iteration();
    // The same iteration twice (a metric logged again) is one checkpoint: its tag would be shared.
    topK.removeIf(k -> k.iteration().equals(at));
    boolean enters =
        !Double.isNaN(value)
            && (topK.size() < config.saveTopK()
                || direction.isImprovement(value, topK.get(topK.size() - 1).value(), 0));
    if (enters) {
      int position = 0;
      while (position < topK.size()
          && !direction.isImprovement(value, topK.get(position).value(), 0)) {
        position++;
      }
      topK.add(position, new Kept(value, at));
      context.checkpoints().saveModels(topKTag(at), () -> models(context));
    }
    while (topK.size() > config.saveTopK()) {
      Kept out = topK.remove(topK.size() - 1);
      LOG.info(
          "{} = {} at {} dropped out of the {} best; deleting {}",
          config.metricKey(),
          out.value(),
          out.iteration(),
          config.saveTopK(),
          topKTag(out.iteration()));
      context.checkpoints().delete(topKTag(out.iteration()));
    }
  }

  /**
   * {@code best}, {@code best_iteration}, {@code since_best} and {@code tolerances}: per N (as a
   * string key) the kept {@code best}, {@code best_iteration} and {@code frozen}; with {@code
   * save_top_k} above 1 also {@code top_k}: the kept {@code value} and {@code iteration} pairs,
   * best first.
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>(tracker.state());
    Map<String, Object> t = new LinkedHashMap<>();
    tolerances.forEach(
        (n, tol) -> {
          Map<String, Object> entry = new LinkedHashMap<>(tol.kept.state());
          entry.put(FROZEN, tol.frozen);
          t.put(Integer.toString(n), entry);
        });
    s.put(TOLERANCES, t);
    if (config.saveTopK() > 1) {
      List<Object> kept = new ArrayList<>();
      for (Kept k : topK) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put(VALUE, k.value());
        entry.put(ITERATION, k.iteration().toString());
        kept.add(entry);
      }
      s.put(TOP_K, kept);
    }
    return s;
  }

  @Override
  public void loadState(Map<String, Object> state) {
    Map<String, Object> saved = StateValues.requireMap(state, TOLERANCES);
    BestTracker loaded = new BestTracker(tracker.mode(), 0);
    loaded.loadState(state);
    List<Kept> loadedTopK = loadTopK(state);
    Map<Integer, Map<String, Object>> savedTolerances = new LinkedHashMap<>();
    for (Integer n : tolerances.keySet()) {
      if (saved.containsKey(n.toString())) {
        savedTolerances.put(n, StateValues.requireMap(saved, n.toString()));
        StateValues.requireBoolean(savedTolerances.get(n), FROZEN);
      }
    }
    tracker.loadState(state);
    topK.clear();
    topK.addAll(loadedTopK);
    for (Map.Entry<Integer, Tolerance> t : tolerances.entrySet()) {
      Map<String, Object> entry = savedTolerances.get(t.getKey());
      if (entry == null) {
        // A tolerance added since the checkpoint has no history to judge; it starts now.
        LOG.info(
            "tolerance {} of {} is new since the checkpoint; it follows the best from the next improvement on",
            t.getKey(),
            config.metricKey());
        continue;
      }
      t.getValue().kept.loadState(entry);
      t.getValue().frozen = StateValues.requireBoolean(entry, FROZEN);
    }
  }

  /** The saved top-k entries; none when the checkpoint has none (save_top_k was 1, or is new). */
  private List<Kept> loadTopK(Map<String, Object> state) {
    List<Kept> loaded = new ArrayList<>();
    if (config.saveTopK() <= 1 || !state.containsKey(TOP_K)) {
      if (config.saveTopK() > 1) {
        LOG.info(
            "save_top_k of {} is new since the checkpoint; the top {} start with the next value",
            config.metricKey(),
            config.saveTopK());
      }
      return loaded;
    }
    for (Object o : StateValues.requireList(state, TOP_K)) {
      if (!(o instanceof Map<?, ?>)) {
        throw new IllegalArgumentException(
            "state key '" + TOP_K + "' must list maps of value and iteration, found " + o);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> entry = (Map<String, Object>) o;
      Double value = StateValues.optionalDouble(entry, VALUE);
      String iteration = StateValues.optionalString(entry, ITERATION);
      if (value == null || iteration == null) {
        throw new IllegalArgumentException(
            "state key '" + TOP_K + "' has an entry without value or iteration: " + entry);
      }
      loaded.add(new Kept(value, TrainingIteration.parse(iteration)));
    }
    return loaded;
  }
}
