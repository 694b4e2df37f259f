package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;

/**
 * As PyTorch's {@code StepLR}: update {@code u} runs at {@code base * gamma^floor(u / step_size)}.
 */
public final class StepSchedule implements LrSchedule {
  private final long stepSize;
  private final double gamma;

  public StepSchedule(StepScheduleConfig config) {
    this.stepSize = config.stepSize();
    this.gamma = config.gamma();
  }

  @Override
  public double learningRate(double baseLr, long update, long totalUpdates) {
    return baseLr * Math.pow(gamma, Math.floorDiv(update, stepSize));
  }
}
