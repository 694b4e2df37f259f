package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Interval;
import java.util.Objects;

/**
 * How long and how a trainer runs: exactly one of the three limits, the batch size, and the
 * evaluation and logging intervals.
 *
 * @param maxEpochs epochs to train, or 0 when another limit is used
 * @param maxUpdates updates to train, or 0
 * @param maxSamples samples to train on, or 0
 * @param batchSize samples per batch (the last batch of an epoch may be smaller)
 * @param evaluation when to evaluate on the validation split; null for never (except at the end)
 * @param logging when to write a progress line
 * @param accumulateGradBatches batches whose gradients make one update (gradient accumulation); an
 *     epoch's last update may have fewer. At least 1
 */
public record TrainerSettings(
    long maxEpochs,
    long maxUpdates,
    long maxSamples,
    int batchSize,
    @Nullable Interval evaluation,
    Interval logging,
    int accumulateGradBatches) {

  public TrainerSettings {
    int limits = (maxEpochs > 0 ? 1 : 0) + (maxUpdates > 0 ? 1 : 0) + (maxSamples > 0 ? 1 : 0);
    if (limits != 1) {
      throw new IllegalArgumentException(
          "exactly one of max_epochs, max_updates and max_samples must be positive; got max_epochs="
              + maxEpochs
              + ", max_updates="
              + maxUpdates
              + ", max_samples="
              + maxSamples);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch_size must be positive, was " + batchSize);
    }
    Objects.requireNonNull(logging, "logging");
    if (accumulateGradBatches < 1) {
      throw new IllegalArgumentException(
          "accumulate_grad_batches must be at least 1, was " + accumulateGradBatches);
    }
  }

  /** Settings with one batch per update. */
  public TrainerSettings(
      long maxEpochs,
      long maxUpdates,
      long maxSamples,
      int batchSize,
      @Nullable Interval evaluation,
      Interval logging) {
    this(maxEpochs, maxUpdates, maxSamples, batchSize, evaluation, logging, 1);
  }

  /** Batches per epoch for a training split of {@code trainSize} samples. */
  public long batchesPerEpoch(long trainSize) {
    return (trainSize + batchSize - 1) / batchSize;
  }

  /**
   * Updates per epoch for a training split of {@code trainSize} samples: one per {@code
   * accumulateGradBatches} batches, the last one of an epoch possibly over fewer.
   */
  public long updatesPerEpoch(long trainSize) {
    return (batchesPerEpoch(trainSize) + accumulateGradBatches - 1) / accumulateGradBatches;
  }

  /** The update count at which training ends, for a training split of {@code trainSize} samples. */
  public long totalUpdates(long trainSize) {
    if (maxUpdates > 0) {
      return maxUpdates;
    }
    if (maxEpochs > 0) {
      return maxEpochs * updatesPerEpoch(trainSize);
    }
    // Sample limits end at the first update that reaches them; count whole epochs plus the rest.
    long perEpoch = updatesPerEpoch(trainSize);
    long fullEpochs = maxSamples / trainSize;
    long rest = maxSamples % trainSize;
    long restBatches = (rest + batchSize - 1) / batchSize;
    return fullEpochs * perEpoch
        + (restBatches + accumulateGradBatches - 1) / accumulateGradBatches;
  }
}
