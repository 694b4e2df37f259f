package ai.noether.api.check;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import ai.noether.api.metric.Direction;
import ai.noether.api.metric.MetricDirections;
import ai.noether.api.tensor.HostTensor;
import java.util.Map;
import java.util.Optional;

/**
 * What a run will be, as far as it is known before anything is built: how long it trains (in every
 * unit: the configured limit converted with the training split's size and the batch size), and the
 * shapes of the data and of the model's prediction. Components check their configuration against it
 * in {@link ai.noether.api.spi.ComponentFactory#check}.
 *
 * <p>Exactly one of {@code maxEpochs}, {@code maxUpdates}, {@code maxSamples} is positive: the
 * limit the user configured. {@link #totalUpdates()} is the run's length in updates whichever was
 * set; the last batch of an epoch may be smaller than the batch size.
 *
 * @param maxEpochs {@code trainer.max_epochs}, or 0
 * @param maxUpdates {@code trainer.max_updates}, or 0
 * @param maxSamples {@code trainer.max_samples}, or 0
 * @param batchSize {@code trainer.batch_size}; positive
 * @param trainSize samples in the training split
 * @param hasValidation whether the dataset has a validation split
 * @param features one training sample's features; null when the training split does not say (it is
 *     not a {@link ai.noether.api.data.TensorDataset})
 * @param targets one training sample's targets; null as for {@code features}
 * @param trainTargets all targets of the training split (host memory), for checks of their values
 *     (class indices against the number of classes); null as for {@code features}
 * @param modelOutput one sample's prediction as the model factory declares it ({@link
 *     ai.noether.api.spi.ModelFactory#outputShape}); null when it does not
 * @param accumulateGradBatches {@code trainer.accumulate_grad_batches}: batches whose gradients
 *     make one update; at least 1
 * @param metricDirections the training step's {@link
 *     ai.noether.api.train.TrainingStep#metricDirections}, or null while the step is not built yet
 *     (the first round of checks): a component checks the directions of the metrics it watches only
 *     when they are known
 */
public record RunPlan(
    long maxEpochs,
    long maxUpdates,
    long maxSamples,
    int batchSize,
    long trainSize,
    boolean hasValidation,
    @Nullable SampleShape features,
    @Nullable SampleShape targets,
    @Nullable HostTensor trainTargets,
    @Nullable SampleShape modelOutput,
    int accumulateGradBatches,
    @Nullable Map<String, Direction> metricDirections) {

  public RunPlan {
    int limits = (maxEpochs > 0 ? 1 : 0) + (maxUpdates > 0 ? 1 : 0) + (maxSamples > 0 ? 1 : 0);
    if (limits != 1 || batchSize <= 0 || trainSize < 0 || accumulateGradBatches <= 0) {
      throw new IllegalArgumentException(
          "a run plan needs exactly one positive limit, a positive batch size, a"
              + " training size and at least one batch per update; got max_epochs="
              + maxEpochs
              + ", max_updates="
              + maxUpdates
              + ", max_samples="
              + maxSamples
              + ", batch_size="
              + batchSize
              + ", training samples="
              + trainSize
              + ", accumulate_grad_batches="
              + accumulateGradBatches);
    }
    metricDirections = metricDirections == null ? null : Map.copyOf(metricDirections);
  }

  /** A plan of one batch per update whose metric directions are not known yet. */
  public RunPlan(
      long maxEpochs,
      long maxUpdates,
      long maxSamples,
      int batchSize,
      long trainSize,
      boolean hasValidation,
      @Nullable SampleShape features,
      @Nullable SampleShape targets,
      @Nullable HostTensor trainTargets,
      @Nullable SampleShape modelOutput) {
    this(
        maxEpochs,
        maxUpdates,
        maxSamples,
        batchSize,
        trainSize,
        hasValidation,
        features,
        targets,
        trainTargets,
        modelOutput,
        1,
        null);
  }

  /** This plan with the training step's metric directions known. */
  public RunPlan withMetricDirections(Map<String, Direction> directions) {
    return with(accumulateGradBatches, directions);
  }

  /** This plan with {@code accumulateGradBatches} batches per update. */
  public RunPlan withAccumulateGradBatches(int batches) {
    return with(batches, metricDirections);
  }

  private RunPlan with(int batches, @Nullable Map<String, Direction> directions) {
    return new RunPlan(
        maxEpochs,
        maxUpdates,
        maxSamples,
        batchSize,
        trainSize,
        hasValidation,
        features,
        targets,
        trainTargets,
        modelOutput,
        batches,
        directions);
  }

  /**
   * Checks the direction of a metric a component selects by: reports an error at {@code
   * metricKeyKey} when {@code mode} is absent and the step declares nothing for the metric. Does
   * nothing while the directions are not known ({@link #metricDirections()} null) or when a mode is
   * given (its value is checked when the config is bound).
   */
  public void checkDirection(
      @Nullable String mode,
      @Nullable String metricKey,
      String modeKey,
      String metricKeyKey,
      ConfigProblems problems) {
    if (mode != null || metricKey == null || metricDirections == null) {
      return;
    }
    if (MetricDirections.declared(metricKey, metricDirections).isEmpty()) {
      problems.error(
          metricKeyKey, MetricDirections.undeclared(metricKey, metricDirections, modeKey));
    }
  }

  /** Batches in one epoch: the training split in batches, the last one possibly smaller. */
  public long batchesPerEpoch() {
    return trainSize == 0 ? 0 : (trainSize + batchSize - 1) / batchSize;
  }

  /**
   * Updates in one epoch: one per {@code accumulate_grad_batches} batches, the last one of an epoch
   * possibly over fewer.
   */
  public long updatesPerEpoch() {
    return (batchesPerEpoch() + accumulateGradBatches - 1) / accumulateGradBatches;
  }

  /** The update count at which training ends. */
  public long totalUpdates() {
    if (maxUpdates > 0) {
      return maxUpdates;
    }
    long perEpoch = updatesPerEpoch();
    if (maxEpochs > 0) {
      return maxEpochs * perEpoch;
    }
    if (trainSize == 0) {
      return 0;
    }
    // Sample limits end at the first update that reaches them: whole epochs plus the rest.
    long rest = maxSamples % trainSize;
    long restBatches = (rest + batchSize - 1) / batchSize;
    return maxSamples / trainSize * perEpoch
        + (restBatches + accumulateGradBatches - 1) / accumulateGradBatches;
  }

  /** Epochs completed when the run ends. */
  public long totalEpochs() {
    long perEpoch = updatesPerEpoch();
    return perEpoch == 0 ? 0 : totalUpdates() / perEpoch;
  }

  /** Samples seen when the run ends: whole epochs, then full batches of the last one. */
  public long totalSamples() {
    long perEpoch = updatesPerEpoch();
    if (perEpoch == 0) {
      return 0;
    }
    long updates = totalUpdates();
    return updates / perEpoch * trainSize
        + Math.min(trainSize, updates % perEpoch * accumulateGradBatches * batchSize);
  }

  /**
   * Whether an interval is due at least once during the run (its counter reaches {@code every});
   * always true for minutes, which no configuration predicts.
   */
  public boolean reaches(Interval interval) {
    return switch (interval.unit()) {
      case EPOCHS -> totalEpochs() >= interval.every();
      case UPDATES -> totalUpdates() >= interval.every();
      case SAMPLES -> totalSamples() >= interval.every();
      case MINUTES -> true;
    };
  }

  /** The configured limit as written: {@code trainer.max_epochs: 2}. */
  public String limitText() {
    if (maxEpochs > 0) {
      return "trainer.max_epochs: " + maxEpochs;
    }
    return maxUpdates > 0
        ? "trainer.max_updates: " + maxUpdates
        : "trainer.max_samples: " + maxSamples;
  }

  /**
   * The run's length for messages, in updates and in the unit configured: {@code
   * "trainer.max_epochs: 2 (26 updates: 13 per epoch, 200 training samples in batches of
   * trainer.batch_size: 16)"}, or {@code "trainer.max_updates: 20"}.
   */
  public String lengthText() {
    if (maxUpdates > 0) {
      return limitText();
    }
    return limitText()
        + " ("
        + totalUpdates()
        + " updates: "
        + updatesPerEpoch()
        + " per epoch, "
        + trainSize
        + " training samples in batches of trainer.batch_size: "
        + batchSize
        + (accumulateGradBatches > 1
            ? ", trainer.accumulate_grad_batches: " + accumulateGradBatches + " per update"
            : "")
        + ")";
  }

  /** The features shape, if the training split says. */
  public Optional<SampleShape> optFeatures() {
    return Optional.ofNullable(features);
  }

  /** The targets shape, if the training split says. */
  public Optional<SampleShape> optTargets() {
    return Optional.ofNullable(targets);
  }

  /** The training targets, if the training split holds them in host memory. */
  public Optional<HostTensor> optTrainTargets() {
    return Optional.ofNullable(trainTargets);
  }

  /** The shape of one prediction, if the model factory declares it. */
  public Optional<SampleShape> optModelOutput() {
    return Optional.ofNullable(modelOutput);
  }
}
