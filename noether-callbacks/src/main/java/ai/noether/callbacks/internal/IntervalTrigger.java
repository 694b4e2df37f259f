package ai.noether.callbacks.internal;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Decides after each update whether an {@link Interval} is due. Counter intervals fire when the
 * counter crossed a multiple of N since the previous poll, so a resumed run fires at the same
 * iterations as an uninterrupted one. Minute intervals fire when N minutes passed on a monotonic
 * clock since the trigger started or last fired; the clock restarts with the process, so they are
 * not part of any resumable state.
 *
 * <p>Not thread-safe: used on the training thread.
 */
public final class IntervalTrigger {
  private final Interval interval;
  private final LongSupplier nanoClock;
  private @Nullable TrainingIteration previous;
  private long lastFiredNanos;

  /**
   * @param interval when to fire; never null
   * @param nanoClock a monotonic clock in nanoseconds (e.g. {@code System::nanoTime})
   */
  public IntervalTrigger(Interval interval, LongSupplier nanoClock) {
    this.interval = Objects.requireNonNull(interval, "interval");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** A trigger on the system's monotonic clock. */
  public static IntervalTrigger of(Interval interval) {
    return new IntervalTrigger(interval, System::nanoTime);
  }

  /** The interval this trigger fires at. */
  public Interval interval() {
    return interval;
  }

  /** Starts counting from {@code now} (call before training, also after a resume). */
  public void start(TrainingIteration now) {
    previous = now;
    lastFiredNanos = nanoClock.getAsLong();
  }

  /**
   * True if the interval is due at {@code now}; a due minute interval restarts its clock. The first
   * poll without {@link #start} counts from {@code now}.
   */
  public boolean poll(TrainingIteration now) {
    if (previous == null) {
      start(now);
      return false;
    }
    TrainingIteration before = previous;
    previous = now;
    if (interval.unit() != Interval.Unit.MINUTES) {
      return interval.isDue(before, now);
    }
    long nowNanos = nanoClock.getAsLong();
    if (nowNanos - lastFiredNanos >= TimeUnit.MINUTES.toNanos(interval.every())) {
      lastFiredNanos = nowNanos;
      return true;
    }
    return false;
  }
}
