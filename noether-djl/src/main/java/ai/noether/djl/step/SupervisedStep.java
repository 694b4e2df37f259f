package ai.noether.djl.step;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.noether.api.NoetherException;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.metric.Direction;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
import ai.noether.djl.internal.GradMode;
import ai.noether.djl.internal.Gradients;
import ai.noether.djl.model.DjlModel;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Supervised learning on {@link TensorDataset}s: a batch's features go through the model, the loss
 * compares the predictions with the targets, and backward leaves the gradients in the model for
 * the optimizer.
 *
 * <p><b>Randomness.</b> Before each training forward pass the engine's generator is seeded from
 * the update's seed (which the trainer derives from the run seed and the update counter), so the
 * same update draws the same dropout masks in any process: a resumed run continues bit for bit.
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
  /** Metric key prefix of the loss: {@code loss/{split}/total}. */
  public static final String LOSS_METRIC = "loss/%s/total";
  /** Metric key of the accuracy for classification losses: {@code accuracy/{split}}. */
  public static final String ACCURACY_METRIC = "accuracy/%s";
  /** Metric key of the gradients' L2 norm, reported with {@code log_grad_norm: true}. */
  public static final String GRAD_NORM_METRIC = "grad_norm";

  private final DjlModel model;
  private final SupervisedStepConfig config;
  private final LossKind lossKind;
  private final BatchSource.Strategy strategy;
  private final BatchSource train;
  private final Map<Dataset, BatchSource> evaluationSources = new IdentityHashMap<>();
  private final Dataset trainSplit;

  /**
   * Creates a step over {@code model} training on {@code data}'s training split.
   *
   * @throws IllegalArgumentException if the training split is not a {@link TensorDataset}
   */
  public SupervisedStep(DjlModel model, DataSource data, SupervisedStepConfig config) {
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.lossKind = config.lossKind();
    this.strategy = BatchSource.Strategy.parse(config.gather());
    this.trainSplit = data.train();
    this.train = strategy.open(tensors(trainSplit, "train"), model.manager());
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
   * The mean loss of a batch, a scalar. The default is the configured built-in loss applied to the
   * first prediction and the first target ({@link Losses}).
   */
  protected NDArray loss(NDList predictions, NDList targets) {
    NDArray p = predictions.head();
    NDArray t = targets.head();
    switch (lossKind) {
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
        throw new IllegalStateException("unhandled loss " + lossKind);
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
    try (NDManager batchManager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
      Batch batch = train.gather(sampleIndices, batchManager);
      seedRandomness(seed);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = checkedLoss(batch, true);
        collector.backward(loss);
        scope.suppressNotUsedWarning();
        double value = loss.getFloat();
        if (!config.logGradNorm()) {
          return StepResult.of(value);
        }
        return new StepResult(value, Map.of(GRAD_NORM_METRIC, gradientNorm()));
      }
    }
  }

  /**
   * The L2 norm of all gradients together (the norm of the per-parameter norms), as PyTorch's
   * {@code clip_grad_norm_} returns it. Reads the gradients only; temporaries belong to the
   * caller's scope.
   */
  private double gradientNorm() {
    return GradMode.withoutRecording(() -> {
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
        sumOfSquares = all.mul(all).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
      }
      return Math.sqrt(sumOfSquares);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reports {@code loss/{split}/total}, the loss averaged over all samples, and for
   * classification losses {@code accuracy/{split}}.
   *
   * @throws IllegalArgumentException if {@code dataset} is not a {@link TensorDataset}
   */
  @Override
  public Map<String, Double> evaluate(Dataset dataset, String split) {
    BatchSource source = dataset == trainSplit ? train
        : evaluationSources.computeIfAbsent(dataset, d -> strategy.open(tensors(d, split), model.manager()));
    long size = dataset.size();
    double[] lossSum = {0};
    long[] counts = {0, 0}; // correct, compared
    GradMode.withoutRecording(() -> {
      for (long from = 0; from < size; from += config.evalBatchSize()) {
        long to = Math.min(size, from + config.evalBatchSize());
        try (NDManager batchManager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
          Batch batch = source.range(from, to, batchManager);
          NDList predictions = forward(batch.inputs(), false);
          lossSum[0] += loss(predictions, batch.targets()).getFloat() * (double) (to - from);
          if (lossKind == LossKind.SOFTMAX_CROSS_ENTROPY) {
            counts[0] += Losses.correctClasses(predictions.head(), batch.targets().head());
            counts[1] += to - from;
          } else if (lossKind == LossKind.SIGMOID_BCE) {
            counts[0] += Losses.correctBinary(predictions.head(), batch.targets().head());
            counts[1] += predictions.head().size();
          }
          scope.suppressNotUsedWarning();
        }
      }
    });
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(String.format(LOSS_METRIC, split), size == 0 ? Double.NaN : lossSum[0] / size);
    if (lossKind.isClassification()) {
      metrics.put(String.format(ACCURACY_METRIC, split), counts[1] == 0 ? Double.NaN : counts[0] / (double) counts[1]);
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
    try (NDManager batchManager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
      Batch batch = train.gather(sampleIndices, batchManager);
      GradMode.withoutRecording(() -> {
        NDArray loss;
        try {
          loss = loss(forward(batch.inputs(), false), batch.targets());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("model '" + model.name() + "' on inputs " + batch.inputs().head().getShape()
              + " with targets " + batch.targets().head().getShape() + " and loss " + lossKind + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage())), e);
        }
        if (loss.size() != 1) {
          throw new IllegalArgumentException("the loss of model '" + model.name() + "' is " + loss.getShape()
              + ", not a single number; a loss must reduce the batch to a scalar");
        }
        loss.getFloat();
      });
      scope.suppressNotUsedWarning();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The loss is lower-is-better, the accuracy classification losses report higher-is-better.
   */
  @Override
  public Map<String, Direction> metricDirections() {
    return Map.of("loss", Direction.LOWER_IS_BETTER, "accuracy", Direction.HIGHER_IS_BETTER);
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
      throw new NoetherException("the forward pass or loss of model '" + model.name() + "' failed on a batch of inputs "
          + batch.inputs().head().getShape() + " and targets " + batch.targets().head().getShape() + " (loss "
          + lossKind + "): " + e.getMessage(), e);
    }
  }

  private static TensorDataset tensors(Dataset dataset, String split) {
    if (dataset instanceof TensorDataset t) {
      return t;
    }
    throw new IllegalArgumentException("the supervised step trains on TensorDataset splits; the " + split + " split is a "
        + dataset.getClass().getName() + ". Return a TensorDataset from the dataset factory, or write a step for it.");
  }

  @Override
  public void close() {
    train.close();
    evaluationSources.values().forEach(BatchSource::close);
    evaluationSources.clear();
  }
}
