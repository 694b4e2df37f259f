package ai.noether.core.schedule;

import ai.noether.api.Nullable;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import java.util.Objects;

/**
 * A linear warmup of {@code W} updates: update {@code u < W} runs at {@code start_factor + (1 -
 * start_factor) * (u + 1) / W} times the base rate, so the first update already moves the weights
 * and update {@code W - 1} reaches the full rate.
 *
 * <p>The length is either a number of updates or a fraction of the run's total updates.
 */
final class Warmup {
  // exactly one of updates and fraction is set (the constructor checks)
  private final @Nullable Long updates;
  private final @Nullable Double fraction;
  private final double startFactor;
  private final String kind;

  Warmup(
      String kind,
      @Nullable Long updates,
      @Nullable Double fraction,
      @Nullable Double startFactor) {
    this.kind = kind;
    if ((updates == null) == (fraction == null)) {
      throw new IllegalArgumentException(
          kind + " needs exactly one of warmup_updates and warmup_fraction");
    }
    if (updates != null && updates <= 0) {
      throw new IllegalArgumentException(kind + " warmup_updates must be positive, was " + updates);
    }
    if (fraction != null && !(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          kind + " warmup_fraction must be in (0, 1), was " + fraction);
    }
    this.startFactor = startFactor == null ? 0.0 : startFactor;
    if (!(this.startFactor >= 0 && this.startFactor <= 1)) {
      throw new IllegalArgumentException(
          kind + " start_factor must be in [0, 1], was " + startFactor);
    }
    this.updates = updates;
    this.fraction = fraction;
  }

  /**
   * The warmup length for a run of {@code totalUpdates}.
   *
   * @throws IllegalStateException if it is given as a fraction and the run length is unknown
   */
  long length(long totalUpdates) {
    if (updates != null) {
      return updates;
    }
    if (totalUpdates <= 0) {
      throw new IllegalStateException(
          kind
              + " warmup_fraction needs the run's total updates, which are unknown; "
              + "use warmup_updates instead");
    }
    return Math.max(1, Math.round(Objects.requireNonNull(fraction) * totalUpdates));
  }

  /**
   * Reports a warm-up longer than the run: the run would end before the learning rate reaches
   * {@code optimizer.lr}. A fraction always fits.
   *
   * @param allowed the most warm-up updates the schedule can take in this run
   * @param why why that is the limit, for the message
   */
  void check(RunPlan plan, long allowed, String why, ConfigProblems problems) {
    if (updates != null && updates > allowed) {
      problems.error(
          "warmup_updates",
          updates
              + " updates of warm-up do not fit the run: "
              + why
              + ". Set warmup_updates to at most "
              + allowed
              + ", use warmup_fraction (e.g. 0.05 of the run),"
              + " or train longer.");
    }
  }

  /** The factor of update {@code u} of a warmup of {@code length} updates ({@code u < length}). */
  double factor(long u, long length) {
    return startFactor + (1 - startFactor) * (u + 1) / (double) length;
  }
}
