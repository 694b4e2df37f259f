package ai.noether.djl.step;

import ai.djl.Device;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;

/**
 * Trains a small MLP with heavy dropout for a number of updates and prints the digest of its
 * weights; the determinism test runs it in a child JVM and in the test's own JVM.
 */
public final class DropoutRunMain {
  static final MlpConfig CONFIG = new MlpConfig(5, java.util.List.of(32, 32), 2, "relu", 0.5);
  static final long RUN_SEED = 77;

  private DropoutRunMain() {}

  public static void main(String[] args) {
    int updates = Integer.parseInt(args[0]);
    System.out.println("digest=" + run(updates));
  }

  static String run(int updates) {
    TensorDataset data = TestData.regression(64, 5, 2, 3);
    try (DjlModel model =
            MlpModelFactory.build(
                "net", CONFIG, Device.cpu(), Seeds.forInitialization(RUN_SEED, 0));
        SupervisedStep step =
            new SupervisedStep(
                model, TestData.source(data, null), SupervisedStepConfig.of("mse"))) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-2));
      for (int u = 0; u < updates; u++) {
        step.train(batch(u), Seeds.forUpdate(RUN_SEED, u));
        optimizer.step(1e-2);
      }
      return StateDigest.of(model.stateDict());
    }
  }

  static long[] batch(int update) {
    long[] indices = new long[16];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = (update * 16L + i * 5L) % 64;
    }
    return indices;
  }
}
