package ai.noether.djl.step;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.noether.api.Nullable;
import ai.noether.api.metric.Metric;
import ai.noether.api.metric.MetricKeys;
import ai.noether.api.tensor.HostTensor;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import ai.noether.djl.tensor.HostTransfer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The sums of one evaluation pass over a split, batch by batch: the loss weighted by batch size,
 * each target's loss, the correct classifications and the metrics' accumulators; and the metrics
 * the split reports at the end.
 */
final class SplitEvaluation {
  /**
   * What the step computed on one batch.
   *
   * @param loss the batch's mean loss, a scalar
   * @param targetLosses what the built-in loss computed per target; null after an override
   */
  record EvaluatedBatch(
      NDList predictions, NDArray loss, @Nullable Map<String, NDArray> targetLosses) {}

  private final List<TargetSpec> targets;
  private final TargetMetrics metrics;
  private final TargetHeads heads;
  private final @Nullable LossKind accuracyLoss;
  private final List<List<Metric.Accumulator>> accumulators;
  private final double[] targetLossSums;
  private double lossSum;
  private boolean targetLossesSeen;
  private long correct;
  private long compared;

  /**
   * @param accuracyLoss the loss whose predictions are counted as right or wrong (the single
   *     default target's classification loss); null when the split reports no accuracy
   */
  SplitEvaluation(
      List<TargetSpec> targets,
      TargetMetrics metrics,
      TargetHeads heads,
      @Nullable LossKind accuracyLoss) {
    this.targets = targets;
    this.metrics = metrics;
    this.heads = heads;
    this.accuracyLoss = accuracyLoss;
    this.accumulators = metrics.newAccumulators();
    this.targetLossSums = new double[targets.size()];
  }

  /**
   * Evaluates {@code size} samples of {@code source} in batches of {@code batchSize}, without
   * recording gradients; every array a batch creates is freed before the next.
   *
   * @param manager the model's manager, parent of each batch's manager
   * @param evaluate the step's forward pass and loss
   */
  void run(
      BatchSource source,
      long size,
      int batchSize,
      NDManager manager,
      Function<Batch, EvaluatedBatch> evaluate) {
    GradMode.withoutRecording(
        () -> {
          for (long from = 0; from < size; from += batchSize) {
            long to = Math.min(size, from + batchSize);
            try (NDManager batchManager = manager.newSubManager();
                NDScope scope = new NDScope()) {
              Batch batch = source.range(from, to, batchManager);
              add(evaluate.apply(batch), batch.targets(), to - from);
              scope.suppressNotUsedWarning();
            }
          }
        });
  }

  /** Adds one batch of {@code samples} samples. */
  private void add(EvaluatedBatch evaluated, NDList targetValues, long samples) {
    NDList predictions = evaluated.predictions();
    Map<String, NDArray> targetLosses = evaluated.targetLosses();
    lossSum += evaluated.loss().getFloat() * (double) samples;
    if (targets.size() > 1 && targetLosses != null) {
      targetLossesSeen = true;
      for (int t = 0; t < targets.size(); t++) {
        targetLossSums[t] +=
            Objects.requireNonNull(targetLosses.get(targets.get(t).field())).getFloat()
                * (double) samples;
      }
    }
    if (accuracyLoss == LossKind.SOFTMAX_CROSS_ENTROPY) {
      correct += Losses.correctClasses(predictions.head(), targetValues.head());
      compared += samples;
    } else if (accuracyLoss == LossKind.SIGMOID_BCE) {
      correct += Losses.correctBinary(predictions.head(), targetValues.head());
      compared += predictions.head().size();
    }
    for (int t = 0; t < targets.size(); t++) {
      if (!accumulators.get(t).isEmpty()) {
        HostTensor p = HostTransfer.toHost(heads.prediction(predictions, t));
        HostTensor y = HostTransfer.toHost(targetValues.get(t));
        for (Metric.Accumulator a : accumulators.get(t)) {
          a.add(p, y);
        }
      }
    }
  }

  /**
   * The split's metrics: {@code loss/{split}/total}; with several targets each target's loss; with
   * accuracy {@code accuracy/{split}}; each target's metrics. NaN for an empty split.
   *
   * @param size the number of samples in the split
   */
  Map<String, Double> result(String split, long size) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(MetricKeys.totalLoss(split), size == 0 ? Double.NaN : lossSum / size);
    if (targets.size() > 1 && (targetLossesSeen || size == 0)) {
      for (int t = 0; t < targets.size(); t++) {
        out.put(
            MetricKeys.loss(split, targets.get(t).field()),
            size == 0 ? Double.NaN : targetLossSums[t] / size);
      }
    }
    if (accuracyLoss != null) {
      out.put(MetricKeys.accuracy(split), compared == 0 ? Double.NaN : correct / (double) compared);
    }
    for (int t = 0; t < targets.size(); t++) {
      for (int m = 0; m < accumulators.get(t).size(); m++) {
        out.put(
            MetricKeys.metric(metrics.of(t).get(m).name(), split, targets.get(t).field()),
            accumulators.get(t).get(m).value());
      }
    }
    return out;
  }
}
