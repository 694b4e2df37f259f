package ai.noether.examples.plugin.timebudget;

import java.util.OptionalLong;

/**
 * The arithmetic of a time budget, in nanoseconds of a monotonic clock: when the budget ends, how
 * long updates and saves take, and whether one more update and a save still fit before the end
 * minus the margin.
 *
 * <p>Estimates err on the long side, because stopping a little early costs a few updates while
 * stopping too late loses everything since the previous checkpoint:
 *
 * <ul>
 *   <li>an update is estimated as the longest one measured in this process, leaving out the first
 *       (which pays once for class loading and the engine's lazy initialisation) as soon as there
 *       is a second; the longest includes the occasional evaluation or checkpoint snapshot;
 *   <li>a save is estimated as the longest one measured (possibly by an earlier process of the
 *       run), and at least as long as a save still in flight has been running.
 * </ul>
 *
 * <p>Thread-safe: saves complete on the checkpoint writer's thread.
 */
final class TimeBudget {
  private final long endNanos;
  private final long marginNanos;
  private long firstUpdate = -1;
  private long longestLaterUpdate = -1;
  private long longestSave = -1;
  private long saveInFlightSince;
  private boolean saveInFlight;

  /**
   * @param endNanos the clock reading at which the budget ends
   * @param marginNanos the time to keep free before the end; not negative
   */
  TimeBudget(long endNanos, long marginNanos) {
    if (marginNanos < 0) {
      throw new IllegalArgumentException(
          "the margin must not be negative, was " + marginNanos + " ns");
    }
    this.endNanos = endNanos;
    this.marginNanos = marginNanos;
  }

  /** Records the duration of one update (everything the loop did from one update to the next). */
  synchronized void updateTook(long nanos) {
    if (firstUpdate < 0) {
      firstUpdate = nanos;
    } else {
      longestLaterUpdate = Math.max(longestLaterUpdate, nanos);
    }
  }

  /** Seeds the save estimate with a duration measured earlier (by a previous process). */
  synchronized void saveTook(long nanos) {
    longestSave = Math.max(longestSave, nanos);
  }

  /**
   * Notes that a save was requested at {@code startedAt}; until it finishes it counts as running.
   */
  synchronized void saveStarted(long startedAt) {
    saveInFlight = true;
    saveInFlightSince = startedAt;
  }

  /** Records the save requested at {@code startedAt} as committed at {@code finishedAt}. */
  synchronized void saveFinished(long startedAt, long finishedAt) {
    saveTook(finishedAt - startedAt);
    saveEnded(startedAt);
  }

  /** Forgets the save requested at {@code startedAt}, which failed: it measured nothing. */
  synchronized void saveEnded(long startedAt) {
    if (saveInFlight && saveInFlightSince == startedAt) {
      saveInFlight = false;
    }
  }

  /** True once a save was measured (here or by an earlier process), or while one is in flight. */
  synchronized boolean knowsSaves() {
    return longestSave >= 0 || saveInFlight;
  }

  /** The longest save measured, if any. */
  synchronized OptionalLong longestSave() {
    return longestSave < 0 ? OptionalLong.empty() : OptionalLong.of(longestSave);
  }

  /** The estimates and the time left at clock reading {@code now}. */
  synchronized Check check(long now) {
    long update = longestLaterUpdate >= 0 ? longestLaterUpdate : Math.max(0, firstUpdate);
    long save = Math.max(0, longestSave);
    if (saveInFlight) {
      save = Math.max(save, now - saveInFlightSince);
    }
    return new Check(endNanos - now, update, save, marginNanos);
  }

  /**
   * The state of the budget at one instant.
   *
   * @param remainingNanos time until the end of the budget; negative once it has passed
   * @param updateNanos the estimated duration of the next update; 0 before any was measured
   * @param saveNanos the estimated duration of a save; 0 before any was measured
   * @param marginNanos the time kept free at the end
   */
  record Check(long remainingNanos, long updateNanos, long saveNanos, long marginNanos) {

    /** True when one more update, then a save, then the margin fit into the time left. */
    boolean anotherUpdateFits() {
      // Subtracting avoids overflow for budgets that end far in the future.
      return remainingNanos - marginNanos - saveNanos >= updateNanos;
    }

    /** E.g. {@code 3.9 min left; next update up to 0.4 s, a save up to 12.0 s, margin 2.0 min}. */
    String describe() {
      return Durations.format(remainingNanos)
          + " left; next update up to "
          + Durations.format(updateNanos)
          + ", a save up to "
          + Durations.format(saveNanos)
          + ", margin "
          + Durations.format(marginNanos);
    }
  }
}
