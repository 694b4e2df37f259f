package ai.noether.callbacks.metric;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.metric.Direction;
import ai.noether.callbacks.internal.StateValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The best value of one metric seen so far, the iteration it was seen at, and how many values in a
 * row since then did not improve on it. Its state is a plain map, so the callbacks that use it
 * continue exactly after a resume.
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class BestTracker {
  private static final String BEST = "best";
  private static final String BEST_ITERATION = "best_iteration";
  private static final String SINCE_BEST = "since_best";

  private final Direction mode;
  private final double minDelta;
  private @Nullable Double best;
  private @Nullable TrainingIteration bestIteration;
  private long sinceBest;

  /**
   * @param mode which direction is better
   * @param minDelta how much a value must beat the best by to count as an improvement; 0 for any
   */
  public BestTracker(Direction mode, double minDelta) {
    this.mode = Objects.requireNonNull(mode, "mode");
    if (!(minDelta >= 0)) {
      throw new IllegalArgumentException("min_delta must be zero or positive, was " + minDelta);
    }
    this.minDelta = minDelta;
  }

  /**
   * Records a value; returns true if it is an improvement (it then becomes the best and the count
   * of values without improvement restarts at zero).
   */
  public boolean observe(double value, TrainingIteration at) {
    Double current = best;
    // anything but NaN beats an absent best
    boolean improved =
        current == null ? !Double.isNaN(value) : mode.isImprovement(value, current, minDelta);
    if (improved) {
      best = value;
      bestIteration = at;
      sinceBest = 0;
      return true;
    }
    sinceBest++;
    return false;
  }

  public Direction mode() {
    return mode;
  }

  /** The best value, or null before the first non-NaN value. */
  public @Nullable Double best() {
    return best;
  }

  /** The iteration of the best value, or null before the first non-NaN value. */
  public @Nullable TrainingIteration bestIteration() {
    return bestIteration;
  }

  /** Values observed since the best one that did not improve on it. */
  public long sinceBest() {
    return sinceBest;
  }

  /** {@code best} (number or null), {@code best_iteration} (string or null), {@code since_best}. */
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(BEST, best);
    s.put(BEST_ITERATION, bestIteration == null ? null : bestIteration.toString());
    s.put(SINCE_BEST, sinceBest);
    return s;
  }

  /**
   * Restores a state from {@link #state()}.
   *
   * @throws IllegalArgumentException naming the key that does not fit
   */
  public void loadState(Map<String, Object> state) {
    Double loadedBest = StateValues.optionalDouble(state, BEST);
    String iteration = StateValues.optionalString(state, BEST_ITERATION);
    long since = StateValues.requireLong(state, SINCE_BEST);
    TrainingIteration loadedIteration;
    try {
      loadedIteration = iteration == null ? null : TrainingIteration.parse(iteration);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "state key '" + BEST_ITERATION + "': " + e.getMessage(), e);
    }
    best = loadedBest;
    bestIteration = loadedIteration;
    sinceBest = since;
  }
}
