package ai.noether.core.metric;

import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.tensor.HostTensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code f1}: the harmonic mean of precision and recall, {@code 2 TP / (2 TP + FP + FN)}, counted
 * over the whole split (not averaged over batches). {@code average: binary} scores class 1; {@code
 * average: macro} averages the scores of every class that occurs among the targets or the
 * predictions. A class with no true and no predicted sample would divide by zero; its score is 0,
 * as scikit-learn's default. Higher is better. See {@link Classes} for how predictions and targets
 * are read.
 */
public final class F1Metric implements Metric {
  /** The metric's name in keys, and its kind. */
  public static final String NAME = "f1";

  private final F1MetricConfig config;

  public F1Metric(F1MetricConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Direction direction() {
    return Direction.HIGHER_IS_BETTER;
  }

  @Override
  public Accumulator newAccumulator() {
    return new Accumulator() {
      private long[] truePositives = new long[0];
      private long[] falsePositives = new long[0];
      private long[] falseNegatives = new long[0];
      private long count;

      @Override
      public void add(HostTensor predictions, HostTensor targets) {
        Classes c = Classes.of(NAME, predictions, targets, config.threshold());
        if (!config.macro() && c.classes() != 2) {
          throw new IllegalArgumentException(
              NAME
                  + " with average: binary scores class 1 of two classes, but the"
                  + " predictions "
                  + MetricInputs.shape(predictions)
                  + " have "
                  + c.classes()
                  + " classes; set average:"
                  + " macro for more than two classes");
        }
        if (c.classes() > truePositives.length) {
          truePositives = Arrays.copyOf(truePositives, c.classes());
          falsePositives = Arrays.copyOf(falsePositives, c.classes());
          falseNegatives = Arrays.copyOf(falseNegatives, c.classes());
        }
        for (int i = 0; i < c.predicted().length; i++) {
          int p = c.predicted()[i];
          int a = c.actual()[i];
          if (p == a) {
            truePositives[p]++;
          } else {
            falsePositives[p]++;
            falseNegatives[a]++;
          }
        }
        count += c.predicted().length;
      }

      @Override
      public double value() {
        if (count == 0) {
          return Double.NaN;
        }
        if (!config.macro()) {
          return f1(1);
        }
        double sum = 0;
        int present = 0;
        for (int k = 0; k < truePositives.length; k++) {
          if (truePositives[k] + falsePositives[k] + falseNegatives[k] > 0) {
            sum += f1(k);
            present++;
          }
        }
        return sum / present;
      }

      private double f1(int k) {
        long denominator = 2 * truePositives[k] + falsePositives[k] + falseNegatives[k];
        return denominator == 0 ? 0.0 : 2.0 * truePositives[k] / denominator;
      }
    };
  }
}
