package ai.noether.djl.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.training.DataOrder;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.StateDigest;
import ai.noether.djl.model.cnnlstm.CnnLstmConfig;
import ai.noether.djl.model.cnnlstm.CnnLstmModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact resume of a {@code cnn-lstm} with batch norm (running statistics and {@code
 * num_batches_tracked}) and dropout in the convolutions, between LSTM layers and in the head:
 * stopped mid-epoch, its state moved into freshly built objects and continued, it ends bit for bit
 * where the uninterrupted run ends.
 */
class CnnLstmExactResumeTest {
  private static final long RUN_SEED = 77;
  private static final int BATCH = 8;
  private static final int TOTAL = 16;

  private final TensorDataset train = windows(TestData.regression(64, 12 * 4, 1, 5));
  private final DataSource data = TestData.source(train, null);
  private final CnnLstmConfig config =
      config(
          String.join(
              "\n",
              "input_shape: [12, 4]",
              "conv: {channels: [6], kernel_sizes: [3], dropout: 0.2}",
              "lstm: {hidden_size: 5, num_layers: 2, dropout: 0.2}",
              "heads: {rul: {hidden_sizes: [4], output_size: 1, dropout: 0.2}}",
              ""));

  @Test
  void aCnnLstmResumedMidEpochEndsBitIdenticalToAnUninterruptedRun() {
    Map<String, HostTensor> uninterrupted;
    try (Run run = new Run(Seeds.forInitialization(RUN_SEED, 0))) {
      run.train(0, TOTAL);
      uninterrupted = run.model.stateDict();
    }
    assertThat(uninterrupted.get("conv.1.num_batches_tracked").toLongArray())
        .containsExactly(TOTAL);

    Map<String, HostTensor> weights;
    Map<String, Object> optimizerState;
    try (Run first = new Run(Seeds.forInitialization(RUN_SEED, 0))) {
      first.train(0, 5);
      weights = first.model.stateDict();
      optimizerState = first.optimizer.state();
    }
    Map<String, HostTensor> resumed;
    try (Run second = new Run(999)) {
      second.model.load(weights, true);
      second.optimizer.loadState(optimizerState);
      second.train(5, TOTAL);
      resumed = second.model.stateDict();
    }
    assertThat(StateDigest.of(resumed))
        .as(() -> StateDigest.difference(uninterrupted, resumed))
        .isEqualTo(StateDigest.of(uninterrupted));
  }

  private static TensorDataset windows(TensorDataset flat) {
    long n = flat.features().shape()[0];
    return new TensorDataset(
        HostTensor.wrap(DType.FLOAT32, new long[] {n, 12, 4}, flat.features().buffer()),
        flat.targets());
  }

  private static CnnLstmConfig config(String yaml) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = new YAMLMapper().readValue(yaml, Map.class);
      return ConfigBinder.bind(
          ComponentBlock.of("model", CnnLstmModelFactory.KIND, settings),
          CnnLstmConfig.class,
          "model");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Model, step and optimizer built from scratch, as a new process builds them. */
  private final class Run implements AutoCloseable {
    final DjlModel model;
    final SupervisedStep step;
    final Optimizer optimizer;

    Run(long initSeed) {
      model = CnnLstmModelFactory.build("net", config, Device.cpu(), initSeed);
      step = new SupervisedStep(model, data, SupervisedStepConfig.of("mse"));
      optimizer =
          AdamOptimizer.adamW(
              model, new AdamConfig(3e-3, null, null, 0.05, 1.0, null, List.of("*.bias"), null));
    }

    void train(int from, int to) {
      DataOrder order = new DataOrder(RUN_SEED, train.size());
      long perEpoch = (train.size() + BATCH - 1) / BATCH;
      for (int u = from; u < to; u++) {
        step.train(order.batch(u / perEpoch, u % perEpoch, BATCH), Seeds.forUpdate(RUN_SEED, u));
        optimizer.step(1e-3);
      }
    }

    @Override
    public void close() {
      step.close();
      model.close();
    }
  }
}
