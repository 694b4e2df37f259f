package ai.noether.examples.plugin.throughput;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.function.LongSupplier;

/**
 * Logs how fast training goes, as metrics, so that slowdowns show in the history and its plots (a
 * slow disk during saves, a shared machine, a long evaluation): {@value #SAMPLES_PER_SECOND} and
 * {@value #UPDATES_PER_SECOND}, averaged over the wall-clock time since the previous value,
 * everything the loop did in that time included.
 *
 * <p>Nothing to keep across a resume: counter intervals fire at the same iterations after a resume,
 * and the first value of a process covers the time since training (re)started in it, including the
 * warm-up of its first update.
 */
public final class ThroughputCallback implements Callback {
  /** Metric: training samples per second of wall-clock time. */
  public static final String SAMPLES_PER_SECOND = "throughput/samples_per_second";

  /** Metric: optimizer updates per second of wall-clock time. */
  public static final String UPDATES_PER_SECOND = "throughput/updates_per_second";

  private final Interval interval;
  private final LongSupplier nanoClock;
  private TrainingIteration previous = TrainingIteration.ZERO;
  private TrainingIteration windowStart = TrainingIteration.ZERO;
  private long windowStartNanos;

  public ThroughputCallback(ThroughputCallbackConfig config) {
    this(config, System::nanoTime);
  }

  /**
   * @param nanoClock a monotonic clock in nanoseconds
   */
  ThroughputCallback(ThroughputCallbackConfig config, LongSupplier nanoClock) {
    this.interval = config.interval();
    this.nanoClock = nanoClock;
    this.windowStartNanos = nanoClock.getAsLong();
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    previous = context.iteration();
    windowStart = previous;
    windowStartNanos = nanoClock.getAsLong();
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    long now = nanoClock.getAsLong();
    TrainingIteration current = context.iteration();
    boolean due =
        interval.unit() == Interval.Unit.MINUTES
            // Interval.isDue leaves wall-clock intervals to the caller's clock.
            ? now - windowStartNanos >= interval.every() * 60_000_000_000L
            : interval.isDue(previous, current);
    previous = current;
    if (!due) {
      return;
    }
    double seconds = (now - windowStartNanos) / 1e9;
    if (seconds > 0) {
      context.logMetric(SAMPLES_PER_SECOND, (current.sample() - windowStart.sample()) / seconds);
      context.logMetric(UPDATES_PER_SECOND, (current.update() - windowStart.update()) / seconds);
    }
    windowStart = current;
    windowStartNanos = now;
  }
}
