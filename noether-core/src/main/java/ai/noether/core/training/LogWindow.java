package ai.noether.core.training;

import ai.noether.api.train.StepResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loss, the step's further metrics and throughput since the last log line; the
 * loss and metric parts are resumable state. A step metric is averaged over the updates that
 * reported it. Throughput counts only the time spent in updates of this process: evaluations,
 * checkpoints and callbacks in between, or samples restored from a checkpoint, would make it jump
 * with the logging interval and around a resume.
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
    result.metrics().forEach((k, v) -> {
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

  Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("loss_sum", lossSum);
    s.put("count", count);
    s.put("samples", samples);
    if (!metricSums.isEmpty()) {
      // Only when a step reports metrics, so checkpoints of loss-only steps stay as they were.
      Map<String, Object> sums = new LinkedHashMap<>();
      metricSums.forEach((k, v) -> sums.put(k, List.of(v[0], (long) v[1])));
      s.put("metric_sums", sums);
    }
    return s;
  }

  void loadState(Map<String, Object> s) {
    lossSum = s.get("loss_sum") instanceof Number n ? n.doubleValue() : 0;
    count = s.get("count") instanceof Number n ? n.longValue() : 0;
    samples = s.get("samples") instanceof Number n ? n.longValue() : 0;
    metricSums.clear();
    if (s.get("metric_sums") instanceof Map<?, ?> sums) {
      sums.forEach((k, v) -> {
        List<?> pair = (List<?>) v;
        metricSums.put((String) k, new double[] {((Number) pair.get(0)).doubleValue(), ((Number) pair.get(1)).doubleValue()});
      });
    }
    timedSamples = 0;
    busyNanos = 0;
  }
}