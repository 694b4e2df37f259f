package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.HostTensor;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the trainer saves of itself at one iteration, before {@link TrainerStateFile} lays it out as
 * the tree of a {@code _trainer.th} file. The maps are taken as they are, not copied: build one,
 * turn it into a tree with {@link TrainerStateFile#tree} and drop it, all on the training thread.
 *
 * @param batchInEpoch batches of the current epoch already trained (the position in its data order)
 * @param accumulation the gradient-accumulation window the checkpoint is taken inside; null at an
 *     update boundary
 * @param seed the run seed every random stream is derived from
 * @param callbacks the states of the stateful callbacks by state key, in callback order; never null
 * @param metrics the most recent value of every logged metric; never null
 * @param lastEvaluated the iteration of the most recent evaluation; null when none happened
 * @param logWindow the training-loss window since the last log line; never null
 * @param lastLearningRate the learning rate of the most recent update
 * @param history the metric history's own state ({@code MetricHistory.state()}); never null
 * @param lineage where the run came from, oldest first; never null
 * @param config the resolved run configuration; never null, possibly empty
 * @param scalerParams the data scaler's parameters; null when the data is not scaled
 */
public record TrainerState(
    long batchInEpoch,
    @Nullable Accumulation accumulation,
    long seed,
    Map<String, Object> callbacks,
    Map<String, Double> metrics,
    @Nullable TrainingIteration lastEvaluated,
    WindowSums logWindow,
    double lastLearningRate,
    Map<String, Object> history,
    List<Object> lineage,
    Map<String, Object> config,
    @Nullable Object scalerParams) {

  public TrainerState {
    Objects.requireNonNull(callbacks, "callbacks");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(logWindow, "logWindow");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(lineage, "lineage");
    Objects.requireNonNull(config, "config");
  }

  /**
   * A gradient-accumulation window in progress: the gradients summed so far are part of the state.
   *
   * @param batches batches of the window whose gradients are summed, at least 1
   * @param accumulateGradBatches {@code trainer.accumulate_grad_batches} of the run
   * @param gradients the summed gradients by parameter path; never null
   */
  public record Accumulation(
      long batches, long accumulateGradBatches, Map<String, HostTensor> gradients) {
    public Accumulation {
      Objects.requireNonNull(gradients, "gradients");
    }
  }

  /**
   * The sums behind the next training log line, so that a resumed run logs the same means.
   *
   * @param lossSum the training losses added up
   * @param count the batches added up
   * @param samples the samples of those batches
   * @param metricSums by step metric, {@code {sum, batches that reported it}}, in first-reported
   *     order; never null, empty for steps that report the loss only
   */
  public record WindowSums(
      double lossSum, long count, long samples, Map<String, double[]> metricSums) {
    /** The sums of a window nothing was added to. */
    public static final WindowSums EMPTY = new WindowSums(0, 0, 0, Map.of());

    public WindowSums {
      Objects.requireNonNull(metricSums, "metricSums");
    }
  }
}
