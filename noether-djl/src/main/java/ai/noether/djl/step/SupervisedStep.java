package ai.noether.djl.step;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.Metric;
import ai.noether.api.metric.MetricKeys;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.step.SupervisedStepConfig.TargetSpec;
import ai.noether.djl.tensor.HostTransfer;
import ai.noether.djl.tensor.ScalarTensors;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

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
  private final BatchSource.Strategy strategy;
  private final BatchFields fields;
  private final List<TargetSpec> targets;

  /** Per target, in target order: the metrics evaluated on it. */
  private final List<List<Metric>> metrics;

  private final BatchSource train;
  private final @Nullable Prefetcher prefetcher;
  private final Map<Dataset, BatchSource> evaluationSources = new IdentityHashMap<>();
  private final Dataset trainSplit;

  /**
   * What the default {@link #loss} computed per target in its last call; null after an override.
   */
  private @Nullable Map<String, NDArray> lastTargetLosses;

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
    this.strategy = BatchSource.Strategy.parse(config.gather());
    this.targets = config.targetSpecs();
    this.fields =
        new BatchFields(config.inputFields(), targets.stream().map(TargetSpec::field).toList());
    List<List<Metric>> perTarget = new ArrayList<>();
    for (TargetSpec t : targets) {
      perTarget.add(List.copyOf(metrics.getOrDefault(t.field(), List.of())));
    }
    for (String name : metrics.keySet()) {
      if (!fields.targets().contains(name)) {
        throw new IllegalArgumentException(
            "metrics are given for '"
                + name
                + "', which is not a target; the targets are "
                + fields.targets());
      }
    }
    this.metrics = List.copyOf(perTarget);
    this.trainSplit = data.train();
    this.train = strategy.open(fieldsOf(trainSplit, "train"), fields, model.manager(), "training");
    this.prefetcher =
        config.prefetchDepth() > 0
            ? new Prefetcher(train, model.manager(), config.prefetchDepth())
            : null;
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
      lastTargetLosses = null;
      return builtInLoss(lossKind, predictions.head(), targets.head());
    }
    Map<String, NDArray> perTarget = new LinkedHashMap<>();
    NDArray total = null;
    for (int i = 0; i < this.targets.size(); i++) {
      TargetSpec target = this.targets.get(i);
      NDArray value = builtInLoss(target.loss(), prediction(predictions, i), targets.get(i));
      perTarget.put(target.field(), value);
      // A weight of 1 adds no operation, so one target computes exactly what the loss alone does.
      NDArray weighted =
          target.weight() == 1.0 ? value : value.mul(ScalarTensors.like(value, target.weight()));
      total = total == null ? weighted : total.add(weighted);
    }
    lastTargetLosses = perTarget;
    // the configuration has at least one target
    return Objects.requireNonNull(total, "no target");
  }

  /**
   * The prediction target {@code index} is compared with: the one named by its head when the model
   * names its outputs, else the one at the same position.
   *
   * @throws IllegalArgumentException naming the heads there are and the one that is missing
   */
  protected final NDArray prediction(NDList predictions, int index) {
    if (config.usesTensorFields()) {
      return predictions.head();
    }
    TargetSpec target = targets.get(index);
    List<String> names = new ArrayList<>();
    for (NDArray p : predictions) {
      String name = p.getName();
      if (name != null && !name.isEmpty()) {
        names.add(name);
        if (name.equals(target.head())) {
          return p;
        }
      }
    }
    if (!names.isEmpty()) {
      throw new IllegalArgumentException(
          "model '"
              + model.name()
              + "' returns heads named "
              + names
              + ", none named '"
              + target.head()
              + "' for target '"
              + target.field()
              + "'; set the target's head: to one of them");
    }
    if (index >= predictions.size()) {
      throw new IllegalArgumentException(
          "model '"
              + model.name()
              + "' returns "
              + predictions.size()
              + " unnamed"
              + " prediction"
              + (predictions.size() == 1 ? "" : "s")
              + " for "
              + targets.size()
              + " targets "
              + fields.targets()
              + "; return one prediction per target in that order, or name the heads (NDArray.setName) and set head:");
    }
    return predictions.get(index);
  }

  private NDArray builtInLoss(LossKind kind, NDArray p, NDArray t) {
    switch (kind) {
      case MSE:
        return Losses.mse(p, t);
      case L1:
        return Losses.l1(p, t);
      case HUBER:
        return Losses.huber(p, t, config.huberDelta());
      case SOFTMAX_CROSS_ENTROPY:
        return Losses.softmaxCrossEntropy(p, t);
      case SIGMOID_BCE:
        return Losses.sigmoidBce(p, t);
      default:
        throw new IllegalStateException("unhandled loss " + kind);
    }
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
    Prefetcher.Prefetched prefetched = prefetcher == null ? null : prefetcher.take(sampleIndices);
    try (NDManager batchManager = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      Batch batch =
          prefetched != null ? prefetched.batch() : train.gather(sampleIndices, batchManager);
      seedRandomness(seed);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        lastTargetLosses = null;
        NDArray loss = checkedLoss(batch, true);
        collector.backward(loss);
        scope.suppressNotUsedWarning();
        double value = loss.getFloat();
        Map<String, Double> reported = new LinkedHashMap<>();
        if (targets.size() > 1 && lastTargetLosses != null) {
          lastTargetLosses.forEach(
              (target, l) ->
                  reported.put(MetricKeys.loss(MetricKeys.TRAIN, target), (double) l.getFloat()));
        }
        if (config.logGradNorm()) {
          reported.put(GRAD_NORM_METRIC, gradientNorm());
        }
        return new StepResult(value, reported);
      }
    } finally {
      if (prefetched != null) {
        prefetched.close();
      }
    }
  }

  /** {@inheritDoc} The configured {@code prefetch}: 0 when off. */
  @Override
  public int prefetchDepth() {
    return prefetcher == null ? 0 : prefetcher.depth();
  }

  /** {@inheritDoc} Starts gathering the batch on the prefetching thread. */
  @Override
  public void prefetch(long[] sampleIndices) {
    if (prefetcher != null) {
      prefetcher.announce(sampleIndices);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code loss}, the configured metrics' directions, and {@code accuracy} (higher is better)
   * when a single target has a classification loss.
   */
  @Override
  public Map<String, Direction> metricDirections() {
    Map<String, Direction> directions = new LinkedHashMap<>();
    directions.put("loss", Direction.LOWER_IS_BETTER);
    if (config.usesTensorFields() && lossKind.isClassification()) {
      directions.put("accuracy", Direction.HIGHER_IS_BETTER);
    }
    for (List<Metric> list : metrics) {
      for (Metric m : list) {
        Direction before = directions.putIfAbsent(m.name(), m.direction());
        if (before != null && before != m.direction()) {
          throw new IllegalArgumentException(
              "two metrics named '" + m.name() + "' disagree on their direction");
        }
      }
    }
    return directions;
  }

  /**
   * The L2 norm of all gradients together (the norm of the per-parameter norms), as PyTorch's
   * {@code clip_grad_norm_} returns it. Reads the gradients only; temporaries belong to the
   * caller's scope.
   */
  private double gradientNorm() {
    return GradMode.withoutRecording(
        () -> {
          double sumOfSquares = 0;
          NDList norms = new NDList();
          for (ai.djl.nn.Parameter p : model.djlParameters().values()) {
            if (!p.requiresGradient() || !p.isInitialized()) {
              continue;
            }
            NDArray g = Gradients.gradientOrNull(p.getArray());
            if (g != null) {
              norms.add(g.norm());
            }
          }
          if (!norms.isEmpty()) {
            NDArray all = ai.djl.ndarray.NDArrays.stack(norms);
            sumOfSquares =
                all.mul(all).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
          }
          return Math.sqrt(sumOfSquares);
        });
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
    BatchSource source =
        dataset == trainSplit
            ? train
            : evaluationSources.computeIfAbsent(
                dataset, d -> strategy.open(fieldsOf(d, split), fields, model.manager(), split));
    long size = dataset.size();
    double[] lossSum = {0};
    double[] targetLossSums = new double[targets.size()];
    boolean[] targetLossesSeen = {false};
    long[] counts = {0, 0}; // correct, compared
    List<List<Metric.Accumulator>> accumulators = new ArrayList<>();
    for (List<Metric> list : metrics) {
      accumulators.add(list.stream().map(Metric::newAccumulator).toList());
    }
    GradMode.withoutRecording(
        () -> {
          for (long from = 0; from < size; from += config.evalBatchSize()) {
            long to = Math.min(size, from + config.evalBatchSize());
            try (NDManager batchManager = model.manager().newSubManager();
                NDScope scope = new NDScope()) {
              Batch batch = source.range(from, to, batchManager);
              NDList predictions = forward(batch.inputs(), false);
              lastTargetLosses = null;
              lossSum[0] += loss(predictions, batch.targets()).getFloat() * (double) (to - from);
              if (targets.size() > 1 && lastTargetLosses != null) {
                targetLossesSeen[0] = true;
                for (int t = 0; t < targets.size(); t++) {
                  targetLossSums[t] +=
                      Objects.requireNonNull(lastTargetLosses.get(targets.get(t).field()))
                              .getFloat()
                          * (double) (to - from);
                }
              }
              if (config.usesTensorFields() && lossKind == LossKind.SOFTMAX_CROSS_ENTROPY) {
                counts[0] += Losses.correctClasses(predictions.head(), batch.targets().head());
                counts[1] += to - from;
              } else if (config.usesTensorFields() && lossKind == LossKind.SIGMOID_BCE) {
                counts[0] += Losses.correctBinary(predictions.head(), batch.targets().head());
                counts[1] += predictions.head().size();
              }
              for (int t = 0; t < targets.size(); t++) {
                if (!accumulators.get(t).isEmpty()) {
                  var p = HostTransfer.toHost(prediction(predictions, t));
                  var y = HostTransfer.toHost(batch.targets().get(t));
                  for (Metric.Accumulator a : accumulators.get(t)) {
                    a.add(p, y);
                  }
                }
              }
              scope.suppressNotUsedWarning();
            }
          }
        });
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(MetricKeys.totalLoss(split), size == 0 ? Double.NaN : lossSum[0] / size);
    if (targets.size() > 1 && (targetLossesSeen[0] || size == 0)) {
      for (int t = 0; t < targets.size(); t++) {
        metrics.put(
            MetricKeys.loss(split, targets.get(t).field()),
            size == 0 ? Double.NaN : targetLossSums[t] / size);
      }
    }
    if (config.usesTensorFields() && lossKind.isClassification()) {
      metrics.put(
          MetricKeys.accuracy(split), counts[1] == 0 ? Double.NaN : counts[0] / (double) counts[1]);
    }
    for (int t = 0; t < targets.size(); t++) {
      for (int m = 0; m < accumulators.get(t).size(); m++) {
        metrics.put(
            MetricKeys.metric(this.metrics.get(t).get(m).name(), split, targets.get(t).field()),
            accumulators.get(t).get(m).value());
      }
    }
    return metrics;
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
      Batch batch = train.gather(sampleIndices, batchManager);
      GradMode.withoutRecording(
          () -> {
            NDArray loss;
            try {
              loss = loss(forward(batch.inputs(), false), batch.targets());
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(
                  "model '"
                      + model.name()
                      + "' on inputs "
                      + batch.inputs().head().getShape()
                      + " with targets "
                      + batch.targets().head().getShape()
                      + " and loss "
                      + lossText()
                      + ": "
                      + (e.getMessage() == null
                          ? e.getClass().getSimpleName()
                          : firstLine(e.getMessage())),
                  e);
            }
            if (loss.size() != 1) {
              throw new IllegalArgumentException(
                  "the loss of model '"
                      + model.name()
                      + "' is "
                      + loss.getShape()
                      + ", not a single number; a loss must reduce the batch to a scalar");
            }
            loss.getFloat();
          });
      scope.suppressNotUsedWarning();
    }
  }

  private static String firstLine(String s) {
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl);
  }

  private NDArray checkedLoss(Batch batch, boolean training) {
    try {
      return loss(forward(batch.inputs(), training), batch.targets());
    } catch (EngineException | IllegalArgumentException e) {
      throw new NoetherException(
          "the forward pass or loss of model '"
              + model.name()
              + "' failed on a batch of inputs "
              + batch.inputs().head().getShape()
              + " and targets "
              + batch.targets().head().getShape()
              + " (loss "
              + lossText()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** The loss as messages name it: {@code mse}, or per target {@code rul: mse, health: ...}. */
  private String lossText() {
    if (config.usesTensorFields()) {
      return lossKind.toString();
    }
    return targets.stream().map(t -> t.field() + ": " + t.loss()).collect(Collectors.joining(", "));
  }

  private static FieldDataset fieldsOf(Dataset dataset, String split) {
    if (dataset instanceof FieldDataset t) {
      return t;
    }
    throw new IllegalArgumentException(
        "the supervised step trains on TensorDataset splits; the "
            + split
            + " split is a "
            + dataset.getClass().getName()
            + ". Return a TensorDataset (or any FieldDataset with the fields the step"
            + " names) from the dataset factory, or write a step for it.");
  }

  @Override
  public void close() {
    if (prefetcher != null) {
      prefetcher.close();
    }
    train.close();
    evaluationSources.values().forEach(BatchSource::close);
    evaluationSources.clear();
  }
}
