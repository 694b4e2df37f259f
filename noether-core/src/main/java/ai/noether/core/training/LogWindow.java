package ai.noether.core.training;

import ai.noether.api.train.StepResult;
import ai.noether.core.checkpoint.TrainerState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training loss, the step's further metrics and throughput since the last log line; the loss
 * and metric parts are resumable state. A step metric is averaged over the updates that reported
 * it. Throughput counts only the time spent in updates of this process: evaluations, checkpoints
 * and callbacks in between, or samples restored from a checkpoint, would make it jump with the
 * logging interval and around a resume.
 */
final class LogWindow {
  private double lossSum;
  private long count;
  private long samples;
  private long timedSamples;
  private long busyNanos;
  private final Map<String, double[]> metricSums = new LinkedHashMap<>();

  void add(StepResult result, long batchSamples, long nanos) {
    lossSum += result.loss();
    count++;
    samples += batchSamples;
    timedSamples += batchSamples;
    busyNanos += nanos;
    result
        .metrics()
        .forEach(
            (k, v) -> {
              double[] sumAndCount = metricSums.computeIfAbsent(k, key -> new double[2]);
              sumAndCount[0] += v;
              sumAndCount[1]++;
            });
  }

  Map<String, Double> meanMetrics() {
    Map<String, Double> means = new LinkedHashMap<>();
    metricSums.forEach((k, s) -> means.put(k, s[0] / s[1]));
    return means;
  }

  long count() {
    return count;
  }

  double meanLoss() {
    return lossSum / count;
  }

  /** Samples per second of update time in this window; NaN when nothing was timed. */
  double samplesPerSecond() {
    return timedSamples == 0 || busyNanos <= 0 ? Double.NaN : timedSamples / (busyNanos / 1e9);
  }

  void reset() {
    lossSum = 0;
    count = 0;
    samples = 0;
    metricSums.clear();
    timedSamples = 0;
    busyNanos = 0;
  }

  /**
   * The sums a checkpoint saves; the {@code double[]} pairs are the live ones, so save them at
   * once.
   */
  TrainerState.WindowSums sums() {
    return new TrainerState.WindowSums(lossSum, count, samples, metricSums);
  }

  /** Continues from saved sums; throughput starts over, it covers this process's updates only. */
  void load(TrainerState.WindowSums saved) {
    lossSum = saved.lossSum();
    count = saved.count();
    samples = saved.samples();
    metricSums.clear();
    saved.metricSums().forEach((k, v) -> metricSums.put(k, v.clone()));
    timedSamples = 0;
    busyNanos = 0;
  }
}
