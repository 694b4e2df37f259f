package ai.noether.core.metric;

import ai.noether.api.metric.Metric;
import ai.noether.api.tensor.HostTensor;
import java.util.function.DoubleUnaryOperator;

/**
 * An accumulator that sums a function of each difference {@code prediction - target}, pairing
 * values one to one. Shared by {@code rmse}, {@code mae} and {@code nasa_score}.
 */
final class ErrorSum implements Metric.Accumulator {
  /** What the accumulator reports from the sum and the number of values. */
  interface Result {
    double of(double sum, long count);
  }

  private final String metric;
  private final DoubleUnaryOperator term;
  private final Result result;
  private double sum;
  private long count;

  ErrorSum(String metric, DoubleUnaryOperator term, Result result) {
    this.metric = metric;
    this.term = term;
    this.result = result;
  }

  @Override
  public void add(HostTensor predictions, HostTensor targets) {
    MetricInputs.requirePaired(metric, predictions, targets);
    double[] p = MetricInputs.values(metric, "predictions", predictions);
    double[] t = MetricInputs.values(metric, "targets", targets);
    double batch = 0;
    for (int i = 0; i < p.length; i++) {
      batch += term.applyAsDouble(p[i] - t[i]);
    }
    sum += batch;
    count += p.length;
  }

  @Override
  public double value() {
    return count == 0 ? Double.NaN : result.of(sum, count);
  }
}
