package ai.noether.initializers;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.run.StageAssembly;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.training.StopRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pretraining run with DJL {@code mlp} models, then a new run whose model has a different
 * head and starts from the pretrained body through {@code previous-run}, all assembled from YAML
 * the way {@code noether train} does it.
 */
class FineTuningEndToEndTest {
  @TempDir Path outputDir;

  RunConfig config(String yaml) {
    return new RunConfigLoader(outputDir, () -> "unused").parse(yaml, "run.yaml", List.of());
  }

  static String run(String runId, int outputSize, int maxUpdates, String initializers) {
    return """
        run_id: %s
        output_dir: OUT
        seed: 3
        device: cpu
        dataset: {kind: test-lines, samples: 32, outputs: %d}
        model:
          name: %s
          kind: mlp
          input_size: 3
          hidden_sizes: [8]
          output_size: %d
        %s
        optimizer: {kind: sgd, lr: 0.1}
        trainer: {max_updates: %d, batch_size: 4, loss: mse}
        """
        .formatted(
            runId,
            outputSize,
            outputSize == 1 ? "regressor" : "classifier",
            outputSize,
            initializers,
            maxUpdates);
  }

  StageAssembly assemble(String yaml) throws IOException {
    return StageAssembly.assemble(
        config(yaml.replace("OUT", outputDir.toString())),
        InitializerYaml.REGISTRY,
        new StopRequest());
  }

  @Test
  void aNewHeadIsTrainedFromThePretrainedBodyOfAnEarlierRun() throws IOException {
    try (StageAssembly pretrain = assemble(run("pretrain", 1, 6, ""))) {
      pretrain.trainer().run();
    }
    Map<String, HostTensor> pretrained;
    try (FileCheckpointStore store = FileCheckpointStore.open(outputDir)) {
      StoredCheckpoint latest =
          store.resolve(new StageId("pretrain", "train"), CheckpointSelector.parse("latest"));
      pretrained = CheckpointReader.modelWeights(store, latest, "regressor", null);
    }
    Map<String, HostTensor> fresh;
    try (StageAssembly scratch = assemble(run("scratch", 4, 1, ""))) {
      fresh = scratch.model().stateDict();
    }

    String initializer =
        """
          initializers:
            - kind: previous-run
              run_id: pretrain
              model_name: regressor
              patterns_to_keep_initialized: ["layers.2.*"]
        """;
    try (StageAssembly finetune = assemble(run("finetune", 4, 2, initializer))) {
      Map<String, HostTensor> initialised = finetune.model().stateDict();

      assertThat(initialised.keySet())
          .containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias");
      for (String body : List.of("layers.0.weight", "layers.0.bias")) {
        assertThat(initialised.get(body).toFloatArray())
            .as(body)
            .containsExactly(pretrained.get(body).toFloatArray());
        assertThat(initialised.get(body).toFloatArray())
            .as(body)
            .isNotEqualTo(fresh.get(body).toFloatArray());
      }
      for (String head : List.of("layers.2.weight", "layers.2.bias")) {
        assertThat(initialised.get(head).shape())
            .as(head)
            .isNotEqualTo(pretrained.get(head).shape());
        assertThat(initialised.get(head).toFloatArray())
            .as(head)
            .containsExactly(fresh.get(head).toFloatArray());
      }

      finetune.trainer().run();
    }
    try (FileCheckpointStore store = FileCheckpointStore.open(outputDir)) {
      // A new training: its counters start from zero, unlike a resume of the pretraining run.
      assertThat(
              store
                  .resolve(new StageId("finetune", "train"), CheckpointSelector.parse("latest"))
                  .iteration()
                  .update())
          .isEqualTo(2);
    }
  }

  /**
   * {@code kind: test-lines}: {@code samples} rows of three features, drawn from the run seed, and
   * {@code outputs} targets, each a fixed linear function of them.
   */
  public static final class LinesDatasetFactory
      implements DatasetFactory<LinesDatasetFactory.Config> {
    /**
     * @param samples rows in the training split; required
     * @param outputs targets per row; required
     */
    public record Config(int samples, int outputs) {}

    @Override
    public String kind() {
      return "test-lines";
    }

    @Override
    public Class<Config> configType() {
      return Config.class;
    }

    @Override
    public DataSource create(Config config, long seed, ComponentContext context) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] x = new float[config.samples() * 3];
      int outputs = config.outputs();
      float[] y = new float[config.samples() * outputs];
      for (int i = 0; i < config.samples(); i++) {
        for (int j = 0; j < 3; j++) {
          x[i * 3 + j] = (float) random.nextDouble(-1, 1);
        }
        for (int k = 0; k < outputs; k++) {
          y[i * outputs + k] = (k + 1) * (0.5f * x[i * 3] - 2f * x[i * 3 + 1]) + x[i * 3 + 2];
        }
      }
      TensorDataset train =
          new TensorDataset(
              HostTensor.ofFloats(new long[] {config.samples(), 3}, x),
              HostTensor.ofFloats(new long[] {config.samples(), outputs}, y));
      return new DataSource() {
        @Override
        public Dataset train() {
          return train;
        }

        @Override
        public Optional<Dataset> validation() {
          return Optional.empty();
        }
      };
    }
  }
}
