package ai.noether.djl.step;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.noether.api.metric.MetricKeys;
import ai.noether.api.train.StepResult;
import ai.noether.djl.model.DjlModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One training update of the supervised step: takes the batch (prefetched or gathered now), seeds
 * the generator, runs forward, loss and backward, and reports the loss, each target's loss when
 * there are several, and the gradient norm when asked for. The gradients stay in the model for the
 * optimizer; every other array is freed before it returns.
 */
final class TrainingUpdate {
  private final DjlModel model;
  private final StepBatchSources sources;
  private final BatchLossChecks checks;
  private final TargetLosses losses;
  private final boolean reportsTargetLosses;
  private final boolean logGradNorm;

  /**
   * @param reportsTargetLosses true with several targets: each one's loss is reported
   * @param logGradNorm report the gradients' norm ({@code log_grad_norm})
   */
  TrainingUpdate(
      DjlModel model,
      StepBatchSources sources,
      BatchLossChecks checks,
      TargetLosses losses,
      boolean reportsTargetLosses,
      boolean logGradNorm) {
    this.model = model;
    this.sources = sources;
    this.checks = checks;
    this.losses = losses;
    this.reportsTargetLosses = reportsTargetLosses;
    this.logGradNorm = logGradNorm;
  }

  /**
   * Trains on the samples {@code sampleIndices}.
   *
   * @param seedRandomness seeds the engine's generator with the update's seed, before forward
   */
  StepResult run(long[] sampleIndices, long seed, LongConsumer seedRandomness) {
    Prefetcher prefetcher = sources.prefetcher();
    Prefetcher.Prefetched prefetched = prefetcher == null ? null : prefetcher.take(sampleIndices);
    try (NDManager batchManager = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      Batch batch =
          prefetched != null
              ? prefetched.batch()
              : sources.train().gather(sampleIndices, batchManager);
      seedRandomness.accept(seed);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        losses.forget();
        NDArray loss = checks.training(batch);
        collector.backward(loss);
        scope.suppressNotUsedWarning();
        double value = loss.getFloat();
        Map<String, Double> reported = new LinkedHashMap<>();
        Map<String, NDArray> targetLosses = losses.last();
        if (reportsTargetLosses && targetLosses != null) {
          targetLosses.forEach(
              (target, l) ->
                  reported.put(MetricKeys.loss(MetricKeys.TRAIN, target), (double) l.getFloat()));
        }
        if (logGradNorm) {
          reported.put(MetricKeys.GRAD_NORM, GradientNorm.of(model));
        }
        return new StepResult(value, reported);
      }
    } finally {
      if (prefetched != null) {
        prefetched.close();
      }
    }
  }
}
