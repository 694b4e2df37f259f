package ai.noether.core.schedule;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.state.Stateful;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reduces the learning rate when a metric stops improving, following PyTorch's {@code
 * ReduceLROnPlateau} step by step. After each evaluation:
 *
 * <ol>
 *   <li>the value is an improvement if it beats the best so far by more than the threshold ({@code
 *       rel}: {@code best * (1 -/+ threshold)}, {@code abs}: {@code best -/+ threshold}); an
 *       improvement becomes the best and resets the count of bad evaluations, anything else adds
 *       one to it;
 *   <li>during a cooldown, the cooldown counter drops by one and bad evaluations are forgotten;
 *   <li>when the count exceeds {@code patience}, the rate becomes {@code max(rate * factor,
 *       min_lr)} (unless that changes it by less than 1e-8), the cooldown starts and the count
 *       resets.
 * </ol>
 *
 * <p>The rate is {@code base * lr_scale}, where the scale starts at 1 and shrinks with each
 * reduction. With a warm-up ({@code warmup_updates} or {@code warmup_fraction}) the rate first
 * rises linearly as in {@code linear-warmup}, and evaluations before the warm-up has ended are not
 * counted: a model still warming up is not on a plateau (as a warm-up followed by PyTorch's {@code
 * ReduceLROnPlateau} in a {@code SequentialLR}).
 *
 * <p>The state ({@code best}, {@code num_bad_evaluations}, {@code cooldown_counter}, {@code
 * lr_scale}) is saved in checkpoints, so a resumed run reduces at the same evaluations.
 */
public final class ReduceOnPlateauSchedule implements LrSchedule, Stateful {
  private static final Logger LOG = LoggerFactory.getLogger(ReduceOnPlateauSchedule.class);
  private static final double EPS = 1e-8;

  private final ReduceOnPlateauScheduleConfig config;
  private final boolean minimise;
  private double best;
  private long numBadEvaluations;
  private long cooldownCounter;
  private double lrScale = 1;
  private double lastBaseLr = Double.NaN;
  private final @Nullable Warmup warmup;

  /**
   * Updates trained when the rate was last asked for: the warm-up is over once it reaches its
   * length.
   */
  private long updatesTrained;

  private long warmupLength;

  /**
   * A schedule watching its metric in the configured {@code mode}, or for a loss (what every step
   * declares).
   *
   * @throws IllegalArgumentException when neither tells the direction
   */
  public ReduceOnPlateauSchedule(ReduceOnPlateauScheduleConfig config) {
    this(
        config,
        MetricDirections.resolve(
            config.mode(), config.metricKey(), MetricDirections.DEFAULT, "mode", "metric_key"));
  }

  /**
   * A schedule watching its metric in {@code direction}.
   *
   * @param direction whether lower or higher values of the metric are better
   */
  public ReduceOnPlateauSchedule(ReduceOnPlateauScheduleConfig config, Direction direction) {
    this.config = config;
    this.minimise = direction == Direction.LOWER_IS_BETTER;
    this.best = minimise ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    this.warmup =
        config.hasWarmup()
            ? new Warmup(
                ReduceOnPlateauScheduleFactory.KIND,
                config.warmupUpdates(),
                config.warmupFraction(),
                config.startFactor())
            : null;
  }

  @Override
  public double learningRate(double baseLr, long update, long totalUpdates) {
    lastBaseLr = baseLr;
    updatesTrained = update + 1;
    if (warmup != null) {
      warmupLength = warmup.length(totalUpdates);
      if (update < warmupLength) {
        return baseLr * warmup.factor(update, warmupLength);
      }
    }
    return Math.max(baseLr * lrScale, config.minLr());
  }

  /**
   * {@inheritDoc}
   *
   * @throws NoetherException if the metrics lack the configured {@code metric_key}, listing the
   *     keys they have
   */
  @Override
  public void onEvaluation(Map<String, Double> metrics) {
    Double value = metrics.get(config.metricKey());
    if (value == null) {
      throw new NoetherException(
          "reduce-on-plateau watches metric '"
              + config.metricKey()
              + "', which the evaluation did not produce; it produced "
              + new TreeSet<>(metrics.keySet())
              + ". Set metric_key to one of them.");
    }
    if (warmup != null && updatesTrained < warmupLength) {
      return;
    }
    if (isBetter(value)) {
      best = value;
      numBadEvaluations = 0;
    } else {
      numBadEvaluations++;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      numBadEvaluations = 0;
    }
    if (numBadEvaluations > config.patience()) {
      reduce();
      cooldownCounter = config.cooldown();
      numBadEvaluations = 0;
    }
  }

  private boolean isBetter(double value) {
    double t = config.threshold();
    boolean relative = config.thresholdMode().equals("rel");
    if (minimise) {
      return value < (relative ? best * (1 - t) : best - t);
    }
    return value > (relative ? best * (1 + t) : best + t);
  }

  private void reduce() {
    double base = Double.isNaN(lastBaseLr) ? 1 : lastBaseLr;
    double old = Math.max(base * lrScale, config.minLr());
    double reduced = Math.max(old * config.factor(), config.minLr());
    if (old - reduced > EPS) {
      lrScale = reduced == config.minLr() ? config.minLr() / base : lrScale * config.factor();
      LOG.info(
          "reduce-on-plateau: {} has not improved on {} for {} evaluations; learning rate {} -> {}",
          config.metricKey(),
          best,
          config.patience() + 1,
          old,
          reduced);
    }
  }

  /** The current factor applied to the base rate (1 until the first reduction). */
  public double lrScale() {
    return lrScale;
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(CheckpointKeys.BEST, best);
    s.put(CheckpointKeys.NUM_BAD_EVALUATIONS, numBadEvaluations);
    s.put(CheckpointKeys.COOLDOWN_COUNTER, cooldownCounter);
    s.put(CheckpointKeys.LR_SCALE, lrScale);
    return s;
  }

  @Override
  public void loadState(Map<String, Object> state) {
    double loadedBest = number(state, CheckpointKeys.BEST).doubleValue();
    long loadedBad = number(state, CheckpointKeys.NUM_BAD_EVALUATIONS).longValue();
    long loadedCooldown = number(state, CheckpointKeys.COOLDOWN_COUNTER).longValue();
    double loadedScale = number(state, CheckpointKeys.LR_SCALE).doubleValue();
    best = loadedBest;
    numBadEvaluations = loadedBad;
    cooldownCounter = loadedCooldown;
    lrScale = loadedScale;
  }

  private static Number number(Map<String, Object> state, String key) {
    if (!(state.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(
          "reduce-on-plateau state needs a number under '"
              + key
              + "', has "
              + state.get(key)
              + "; state keys: "
              + state.keySet());
    }
    return n;
  }
}
