package ai.noether.core.schedule;

import ai.noether.api.optim.LrSchedule;

/** The base learning rate for every update. */
public final class ConstantSchedule implements LrSchedule {
  public ConstantSchedule(ConstantScheduleConfig config) {}

  @Override
  public double learningRate(double baseLr, long update, long totalUpdates) {
    return baseLr;
  }
}
