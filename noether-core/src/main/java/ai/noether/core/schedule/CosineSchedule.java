package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;

/**
 * Cosine decay as PyTorch's {@code CosineAnnealingLR} in closed form: update {@code u} of a decay
 * of {@code T} updates runs at {@code end + (base - end) * (1 + cos(pi * u / T)) / 2}, and at
 * {@code end} from {@code u = T} on.
 */
public final class CosineSchedule implements LrSchedule {
  private final CosineDecay decay;
  private final Long configuredLength;

  public CosineSchedule(CosineScheduleConfig config) {
    this.decay = new CosineDecay(CosineScheduleFactory.KIND, config.minLr(), config.endFactor());
    this.configuredLength = config.totalUpdates();
  }

  @Override
  public double learningRate(double baseLr, long update, long totalUpdates) {
    return decay.at(baseLr, update, decay.length(configuredLength, totalUpdates));
  }
}
