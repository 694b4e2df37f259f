package ai.noether.core.metric;

import ai.noether.api.tensor.HostTensor;

/**
 * The predicted and the true class of each sample of a batch, for the classification metrics.
 *
 * <p>Predictions of one value per sample ({@code [n]} or {@code [n, 1]}) are binary: class 1 when
 * the value is above the threshold (0 for logits, 0.5 for probabilities), else class 0; the targets
 * must then be 0 or 1. Predictions of {@code C >= 2} values per sample ({@code [n, C]}, logits or
 * probabilities) name the class with the largest value (the first one on a tie, as {@code
 * torch.argmax}); the targets are class indices in {@code [0, C)}, shaped {@code [n]} or {@code [n,
 * 1]}, of any numeric dtype holding whole numbers.
 *
 * @param predicted the predicted class per sample
 * @param actual the true class per sample
 * @param classes the number of classes: 2 for binary predictions, else {@code C}
 */
record Classes(int[] predicted, int[] actual, int classes) {

  static Classes of(String metric, HostTensor predictions, HostTensor targets, double threshold) {
    long rows = MetricInputs.rows(predictions);
    long perRow = MetricInputs.perRow(predictions);
    if (predictions.shape().length == 0 || predictions.shape().length > 2) {
      throw new IllegalArgumentException(
          metric
              + ": predictions "
              + MetricInputs.shape(predictions)
              + " are not [n] or"
              + " [n, classes]; "
              + metric
              + " compares one prediction per sample with a class index");
    }
    if (MetricInputs.rows(targets) != rows
        || MetricInputs.perRow(targets) != 1
        || targets.shape().length > 2) {
      throw new IllegalArgumentException(
          metric
              + ": targets "
              + MetricInputs.shape(targets)
              + " do not fit predictions "
              + MetricInputs.shape(predictions)
              + "; the targets must be one class index per sample, ["
              + rows
              + "] or ["
              + rows
              + ", 1]");
    }
    double[] p = MetricInputs.values(metric, "predictions", predictions);
    double[] t = MetricInputs.values(metric, "targets", targets);
    int n = (int) rows;
    int[] predicted = new int[n];
    int[] actual = new int[n];
    int classes = perRow == 1 ? 2 : (int) perRow;
    for (int i = 0; i < n; i++) {
      if (perRow == 1) {
        predicted[i] = p[i] > threshold ? 1 : 0;
      } else {
        int best = 0;
        int base = i * (int) perRow;
        for (int c = 1; c < perRow; c++) {
          // NaN never wins, so a row of NaN names class 0 like a row of ties.
          if (p[base + c] > p[base + best]) {
            best = c;
          }
        }
        predicted[i] = best;
      }
      double v = t[i];
      if (v != Math.rint(v) || v < 0 || v >= classes) {
        throw new IllegalArgumentException(
            metric
                + ": target "
                + v
                + " of sample "
                + i
                + " of the batch is not a class"
                + " index in [0, "
                + classes
                + ")"
                + (perRow == 1
                    ? " (binary predictions: one value per sample, so the"
                        + " targets must be 0 or 1)"
                    : " (the predictions have " + classes + " values per sample)"));
      }
      actual[i] = (int) v;
    }
    return new Classes(predicted, actual, classes);
  }
}
