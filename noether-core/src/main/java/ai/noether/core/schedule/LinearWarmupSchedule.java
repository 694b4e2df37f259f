package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;

/**
 * A linear warmup (see {@link Warmup}) followed by the base learning rate: for a warmup of {@code
 * W} updates, update {@code u} runs at {@code base * (start_factor + (1 - start_factor) * (u + 1) /
 * W)} while {@code u < W}, then at {@code base}.
 */
public final class LinearWarmupSchedule implements LrSchedule {
  private final Warmup warmup;

  public LinearWarmupSchedule(LinearWarmupScheduleConfig config) {
    this.warmup =
        new Warmup(
            LinearWarmupScheduleFactory.KIND,
            config.warmupUpdates(),
            config.warmupFraction(),
            config.startFactor());
  }

  @Override
  public double learningRate(double baseLr, long update, long totalUpdates) {
    long length = warmup.length(totalUpdates);
    return update < length ? baseLr * warmup.factor(update, length) : baseLr;
  }
}
