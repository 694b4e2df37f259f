package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole training step — forward through linear layers, activation and dropout, the loss,
 * backward, the optimizer — gives the same weights when the garbage collector runs between forward
 * and backward at every update. Anything on that path that leaves PyTorch holding memory owned by a
 * collected Java object shows up here as different weights.
 */
class GarbageCollectionDuringTrainingTest {
  private static final long RUN_SEED = 31;
  private static final int UPDATES = 6;
  private final TensorDataset train = TestData.regression(48, 5, 2, 4);
  private final DataSource data = TestData.source(train, null);

  @ParameterizedTest
  @ValueSource(strings = {"mse", "l1", "huber"})
  void weightsDoNotDependOnWhenTheCollectorRuns(String loss) throws Exception {
    Map<String, HostTensor> quiet = train(loss, false);
    Map<String, HostTensor> collected = train(loss, true);

    assertThat(StateDigest.of(collected))
        .as(() -> StateDigest.difference(quiet, collected))
        .isEqualTo(StateDigest.of(quiet));
  }

  private Map<String, HostTensor> train(String loss, boolean collectBeforeBackward) {
    MlpConfig config = new MlpConfig(5, List.of(16, 16), 2, "gelu", 0.25);
    try (DjlModel model =
            MlpModelFactory.build(
                "net", config, Device.cpu(), Seeds.forInitialization(RUN_SEED, 0));
        SupervisedStep step =
            new SupervisedStep(model, data, SupervisedStepConfig.of(loss)) {
              @Override
              protected NDArray loss(NDList predictions, NDList targets) {
                NDArray value = super.loss(predictions, targets);
                if (collectBeforeBackward) {
                  collectAndReuseFreedDirectMemory();
                }
                return value;
              }
            }) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-2));
      for (int u = 0; u < UPDATES; u++) {
        step.train(
            new long[] {u, u + 7, u + 13, u + 21, u + 30, u + 41}, Seeds.forUpdate(RUN_SEED, u));
        optimizer.step(1e-2);
      }
      return model.stateDict();
    }
  }

  /** Runs the collector until dropped direct buffers are freed, then reuses freed memory. */
  static void collectAndReuseFreedDirectMemory() {
    try {
      for (int round = 0; round < 3; round++) {
        System.gc();
        Thread.sleep(30); // the Cleaner thread frees direct memory after the collection
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    List<ByteBuffer> filler = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      filler.add(ByteBuffer.allocateDirect(8).putFloat(0, 1e6f).putFloat(4, -1e6f));
    }
    assertThat(filler).hasSize(10_000);
  }
}
