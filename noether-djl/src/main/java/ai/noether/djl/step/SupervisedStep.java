package ai.noether.djl.step;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.metric.MetricKeys;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Supervised learning on {@link FieldDataset}s (a {@link TensorDataset} is one): a batch's input
 * fields go through the model, each target field is compared with the model's prediction for it by
 * its own loss, the weighted sum of those losses is the loss backward runs on, and the gradients
 * stay in the model for the optimizer.
 *
 * <p><b>Heads.</b> A model with several heads returns an {@link NDList} whose arrays carry the
 * heads' names ({@code NDArray.setName("rul")}); each target takes the prediction named by its
 * {@code head:} (default: the target's own name). When no prediction carries a name, targets take
 * the predictions by position. With more than one target, each target's loss is reported beside the
 * total: {@code loss/train/{target}} per update, {@code loss/{split}/{target}} when evaluating.
 *
 * <p><b>Metrics.</b> A target's {@code metrics:} are evaluated batch by batch in the evaluation
 * pass: each batch's prediction and target values go to the metric's accumulator on the host, and
 * the split reports {@code {metric}/{split}/{target}}.
 *
 * <p><b>Prefetching.</b> With {@code prefetch} on (the default), the batches the trainer announces
 * ({@link #prefetch}) are gathered on a background thread while the current update runs; an update
 * always trains on exactly the samples it is given (see {@link Prefetcher}).
 *
 * <p><b>Randomness.</b> Before each training forward pass the engine's generator is seeded from the
 * update's seed (which the trainer derives from the run seed and the update counter), so the same
 * update draws the same dropout masks in any process: a resumed run continues bit for bit.
 * Evaluation runs in inference mode (dropout off) and does not touch the generator.
 *
 * <p><b>Memory.</b> Every array an update or an evaluation batch creates is freed before the call
 * returns (a sub-manager and an {@link NDScope} per batch), so thousands of updates leave nothing
 * behind.
 *
 * <p><b>Extending.</b> Override {@link #loss} (and {@link #forward} if the model needs more than
 * the features) in a subclass; batching, seeding, backward, evaluation and memory handling stay as
 * they are. The overridden loss is also the one evaluation reports as {@code loss/{split}/total},
 * and the one the dry run before training ({@link #dryRun}) computes.
 *
 * <p>Not thread-safe: the training thread drives it.
 */
public class SupervisedStep implements TrainingStep {
  /** Metric key of the gradients' L2 norm, reported with {@code log_grad_norm: true}. */
  public static final String GRAD_NORM_METRIC = MetricKeys.GRAD_NORM;

  private final DjlModel model;
  private final SupervisedStepConfig config;
  private final LossKind lossKind;
  private final List<TargetSpec> targets;
  private final TargetHeads heads;
  private final TargetLosses losses;
  private final TargetMetrics metrics;
  private final StepBatchSources sources;
  private final BatchLossChecks checks;
  private final TrainingUpdate update;

  /**
   * Creates a step over {@code model} training on {@code data}'s training split, without metrics.
   *
   * @throws IllegalArgumentException if the training split is not a {@link FieldDataset} with the
   *     configured fields
   */
  public SupervisedStep(DjlModel model, DataSource data, SupervisedStepConfig config) {
    this(model, data, config, Map.of());
  }

  /**
   * Creates a step over {@code model} training on {@code data}'s training split.
   *
   * @param metrics the metrics evaluated on each target, by target field name; targets not in the
   *     map get none
   * @throws IllegalArgumentException if the training split is not a {@link FieldDataset} with the
   *     configured fields
   */
  public SupervisedStep(
      DjlModel model,
      DataSource data,
      SupervisedStepConfig config,
      Map<String, List<Metric>> metrics) {
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.lossKind = config.lossKind();
    BatchSource.Strategy strategy = BatchSource.Strategy.parse(config.gather());
    this.targets = config.targetSpecs();
    BatchFields fields =
        new BatchFields(config.inputFields(), targets.stream().map(TargetSpec::field).toList());
    this.heads = new TargetHeads(model.name(), config.usesTensorFields(), targets);
    this.losses = new TargetLosses(targets, config.huberDelta());
    this.metrics = new TargetMetrics(targets, metrics);
    this.sources =
        new StepBatchSources(data, fields, strategy, model.manager(), config.prefetchDepth());
    String lossText = config.usesTensorFields() ? lossKind.toString() : losses.describe();
    this.checks =
        new BatchLossChecks(
            model.name(),
            lossText,
            (inputs, targets, training) -> loss(forward(inputs, training), targets));
    this.update =
        new TrainingUpdate(
            model, sources, checks, losses, targets.size() > 1, config.logGradNorm());
  }

  /** The model this step trains. */
  protected final DjlModel model() {
    return model;
  }

  /** The configuration. */
  protected final SupervisedStepConfig config() {
    return config;
  }

  /**
   * The model's predictions for a batch. The default runs the model on the inputs.
   *
   * @param training true while training (dropout active), false while evaluating
   */
  protected NDList forward(NDList inputs, boolean training) {
    return model.forward(inputs, training);
  }

  /**
   * The mean loss of a batch, a scalar. The default applies each target's built-in loss ({@link
   * Losses}) to the prediction matched to it (by head name, or by position when the predictions
   * carry no names) and sums the losses times their weights. With the default targets, that is the
   * configured loss of the first prediction and the {@code targets} field.
   *
   * @param targets the target fields, in the order of the configuration's {@code targets}
   */
  protected NDArray loss(NDList predictions, NDList targets) {
    if (config.usesTensorFields()) {
      losses.forget();
      return losses.builtIn(lossKind, predictions.head(), targets.head());
    }
    return losses.of(predictions, targets, heads).total();
  }

  /**
   * The prediction target {@code index} is compared with: the one named by its head when the model
   * names its outputs, else the one at the same position.
   *
   * @throws IllegalArgumentException naming the heads there are and the one that is missing
   */
  protected final NDArray prediction(NDList predictions, int index) {
    return heads.prediction(predictions, index);
  }

  /**
   * Seeds the engine's random generator for one update. The default seeds PyTorch's global
   * generator (CPU and CUDA) with the seed folded to 32 bits.
   */
  protected void seedRandomness(long seed) {
    Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
  }

  @Override
  public double train(long[] sampleIndices, long seed) {
    return trainStep(sampleIndices, seed).loss();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reports the loss, and with {@code log_grad_norm: true} also {@link #GRAD_NORM_METRIC}.
   */
  @Override
  public StepResult trainStep(long[] sampleIndices, long seed) {
    return update.run(sampleIndices, seed, this::seedRandomness);
  }

  /** {@inheritDoc} The configured {@code prefetch}: 0 when off. */
  @Override
  public int prefetchDepth() {
    return sources.prefetchDepth();
  }

  /** {@inheritDoc} Starts gathering the batch on the prefetching thread. */
  @Override
  public void prefetch(long[] sampleIndices) {
    sources.announce(sampleIndices);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code loss}, the configured metrics' directions, and {@code accuracy} (higher is better)
   * when a single target has a classification loss.
   */
  @Override
  public Map<String, Direction> metricDirections() {
    return metrics.directions(reportsAccuracy());
  }

  /** True with the default single target and a classification loss. */
  private boolean reportsAccuracy() {
    return config.usesTensorFields() && lossKind.isClassification();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reports {@code loss/{split}/total}, the loss averaged over all samples; with several targets
   * also each target's loss, {@code loss/{split}/{target}}; each target's metrics as {@code
   * {metric}/{split}/{target}}; and with the default single target and a classification loss {@code
   * accuracy/{split}}. One pass over the split: metrics accumulate batch by batch.
   *
   * @throws IllegalArgumentException if {@code dataset} is not a {@link FieldDataset} with the
   *     configured fields
   */
  @Override
  public Map<String, Double> evaluate(Dataset dataset, String split) {
    BatchSource source = sources.forEvaluation(dataset, split);
    SplitEvaluation pass =
        new SplitEvaluation(targets, metrics, heads, reportsAccuracy() ? lossKind : null);
    long size = dataset.size();
    pass.run(source, size, config.evalBatchSize(), model.manager(), this::evaluateBatch);
    return pass.result(split, size);
  }

  private SplitEvaluation.EvaluatedBatch evaluateBatch(Batch batch) {
    NDList predictions = forward(batch.inputs(), false);
    losses.forget();
    NDArray loss = loss(predictions, batch.targets());
    return new SplitEvaluation.EvaluatedBatch(predictions, loss, losses.last());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Gathers the batch, runs {@link #forward} in inference mode (no dropout, so no draw from the
   * generator) and {@link #loss} without recording gradients; every array it makes is freed.
   *
   * @throws IllegalArgumentException naming the model, the batch's shapes and the loss
   */
  @Override
  public void dryRun(long[] sampleIndices) {
    try (NDManager batchManager = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      checks.dryRun(sources.train().gather(sampleIndices, batchManager));
      scope.suppressNotUsedWarning();
    }
  }

  @Override
  public void close() {
    sources.close();
  }
}
