package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;

/**
 * A linear warmup of {@code W} updates (see {@link LinearWarmupSchedule}) followed by cosine decay
 * over the remaining {@code T - W} updates: update {@code u >= W} runs at {@code end + (base - end)
 * * (1 + cos(pi * (u - W) / (T - W))) / 2}.
 */
public final class WarmupCosineSchedule implements LrSchedule {
  private final Warmup warmup;
  private final CosineDecay decay;
  private final Long configuredLength;

  public WarmupCosineSchedule(WarmupCosineScheduleConfig config) {
    this.warmup =
        new Warmup(
            WarmupCosineScheduleFactory.KIND,
            config.warmupUpdates(),
            config.warmupFraction(),
            config.startFactor());
    this.decay =
        new CosineDecay(WarmupCosineScheduleFactory.KIND, config.minLr(), config.endFactor());
    this.configuredLength = config.totalUpdates();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the run is not longer than the warmup
   */
  @Override
  public double learningRate(double baseLr, long update, long totalUpdates) {
    long total = decay.length(configuredLength, totalUpdates);
    long warm = warmup.length(total);
    if (warm >= total) {
      throw new IllegalStateException(
          "warmup-cosine warmup of "
              + warm
              + " updates leaves nothing of a run of "
              + total
              + " updates for the decay; shorten the warmup");
    }
    if (update < warm) {
      return baseLr * warmup.factor(update, warm);
    }
    return decay.at(baseLr, update - warm, total - warm);
  }
}
