package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.schedule.WarmupCosineSchedule;
import ai.noether.core.schedule.WarmupCosineScheduleConfig;
import ai.noether.core.training.DataOrder;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's half of the exact-resume guarantee: the loop the core trainer runs (seed-derived
 * data order and per-update seeds, scheduled learning rate, step, optimizer) stopped mid-epoch, its
 * model and optimizer state moved into freshly built objects, and continued, ends bit for bit where
 * the uninterrupted run ends, with dropout on.
 */
class ExactResumeTest {
  private static final long RUN_SEED = 2026;
  private static final int BATCH = 12;
  private static final int TOTAL = 30;
  private static final MlpConfig CONFIG = new MlpConfig(5, List.of(24, 24), 2, "gelu", 0.3);
  private final TensorDataset train = TestData.regression(100, 5, 2, 8);
  private final DataSource data = TestData.source(train, null);
  private final LrSchedule schedule =
      new WarmupCosineSchedule(new WarmupCosineScheduleConfig(5L, null, null, null, 0.1, null));

  @Test
  void aRunResumedMidEpochFromSavedStateEndsBitIdenticalToAnUninterruptedOne() {
    Map<String, HostTensor> uninterrupted;
    try (Run run = new Run(Seeds.forInitialization(RUN_SEED, 0))) {
      run.train(0, TOTAL);
      uninterrupted = run.model.stateDict();
    }

    Map<String, HostTensor> weights;
    Map<String, Object> optimizerState;
    try (Run first = new Run(Seeds.forInitialization(RUN_SEED, 0))) {
      first.train(0, 13);
      weights = first.model.stateDict();
      optimizerState = first.optimizer.state();
    }
    Map<String, HostTensor> resumed;
    try (Run second = new Run(12345)) {
      second.model.load(weights, true);
      second.optimizer.loadState(optimizerState);
      second.train(13, TOTAL);
      resumed = second.model.stateDict();
    }

    assertThat(StateDigest.of(resumed))
        .as(() -> StateDigest.difference(uninterrupted, resumed))
        .isEqualTo(StateDigest.of(uninterrupted));
  }

  /** Model, step and optimizer built from scratch, as a new process builds them. */
  private final class Run implements AutoCloseable {
    final DjlModel model;
    final SupervisedStep step;
    final Optimizer optimizer;

    Run(long initSeed) {
      model = MlpModelFactory.build("net", CONFIG, Device.cpu(), initSeed);
      step = new SupervisedStep(model, data, SupervisedStepConfig.of("huber"));
      optimizer =
          AdamOptimizer.adamW(
              model, new AdamConfig(3e-3, null, null, 0.05, 1.0, null, List.of("*.bias"), null));
    }

    void train(int from, int to) {
      DataOrder order = new DataOrder(RUN_SEED, train.size());
      long perEpoch = (train.size() + BATCH - 1) / BATCH;
      for (int u = from; u < to; u++) {
        long[] batch = order.batch(u / perEpoch, u % perEpoch, BATCH);
        step.train(batch, Seeds.forUpdate(RUN_SEED, u));
        optimizer.step(schedule.learningRate(optimizer.baseLearningRate(), u, TOTAL));
      }
    }

    @Override
    public void close() {
      step.close();
      model.close();
    }
  }
}
