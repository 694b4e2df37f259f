package ai.noether.core.training;

import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.train.TrainingStep;

/**
 * The run's batches laid out from the seed and the settings: which samples each batch of an epoch
 * trains on ({@link DataOrder}), how many batches and updates an epoch has, and when the run ends.
 */
final class BatchPlan {
  private final DataOrder order;
  private final TrainerSettings settings;

  /** Updates the run makes in total. */
  final long totalUpdates;

  /** Optimizer steps per epoch (fewer than batches with gradient accumulation). */
  final long updatesPerEpoch;

  /** Batches per epoch. */
  final long batchesPerEpoch;

  BatchPlan(long seed, TrainerSettings settings, long trainSize) {
    this.order = new DataOrder(seed, trainSize);
    this.settings = settings;
    this.totalUpdates = settings.totalUpdates(trainSize);
    this.updatesPerEpoch = settings.updatesPerEpoch(trainSize);
    this.batchesPerEpoch = settings.batchesPerEpoch(trainSize);
  }

  /** The sample indices of batch {@code position} of {@code epoch}. */
  long[] batch(long epoch, long position) {
    return order.batch(epoch, position, settings.batchSize());
  }

  /** True when the run's limit is reached; never inside an accumulation window. */
  boolean finished(TrainingProgress progress) {
    if (progress.windowPosition() > 0) {
      return false;
    }
    TrainingIteration iteration = progress.iteration;
    if (settings.maxUpdates() > 0) {
      return iteration.update() >= settings.maxUpdates();
    }
    if (settings.maxEpochs() > 0) {
      return iteration.epoch() >= settings.maxEpochs();
    }
    return iteration.sample() >= settings.maxSamples();
  }

  /**
   * Tells the step which samples the next updates train on, so that it can gather them while this
   * update runs ({@link TrainingStep#prefetch}); the order comes from {@link DataOrder} as always.
   */
  void announceUpcoming(TrainingStep step, TrainingProgress progress) {
    int depth = step.prefetchDepth();
    long epoch = progress.iteration.epoch();
    long position = progress.batchInEpoch;
    // Batches, not updates: with accumulate_grad_batches an update trains on several of them.
    long lastEpoch = (totalUpdates - 1) / Math.max(1, updatesPerEpoch);
    for (int ahead = 1; ahead <= depth; ahead++) {
      if (++position >= batchesPerEpoch) {
        position = 0;
        epoch++;
      }
      if (epoch > lastEpoch) {
        break;
      }
      step.prefetch(batch(epoch, position));
    }
  }
}
