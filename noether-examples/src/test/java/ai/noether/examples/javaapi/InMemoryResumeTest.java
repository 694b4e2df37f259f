package ai.noether.examples.javaapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.java.LoadedModel;
import ai.noether.java.Noether;
import ai.noether.java.NoetherConfig;
import ai.noether.java.TrainingSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data built in Java code ({@code NoetherConfig.dataset}) train like any dataset kind: a run
 * interrupted from Java and resumed with {@code resume_run_id} ends with the same weights, bit for
 * bit, as one that was never interrupted; without the data registered, the error says how to.
 */
class InMemoryResumeTest {
  @TempDir Path dir;

  static DataSource data(long seed) {
    Random random = new Random(seed);
    float[] x = new float[96 * 3];
    float[] y = new float[96];
    for (int i = 0; i < 96; i++) {
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = (float) random.nextGaussian();
      }
      y[i] = x[i * 3] - 2 * x[i * 3 + 2];
    }
    Dataset train =
        new TensorDataset(
            HostTensor.ofFloats(new long[] {96, 3}, x), HostTensor.ofFloats(new long[] {96, 1}, y));
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

  NoetherConfig config(String runId) {
    return NoetherConfig.create()
        .set("output_dir", dir.resolve("runs").toString())
        .set("run_id", runId)
        .set("seed", 3)
        .set("store", Map.of("kind", "file", "fsync", false))
        .dataset("points", data(11))
        .set(
            "model",
            Map.of(
                "name",
                "net",
                "kind",
                "mlp",
                "input_size",
                3,
                "hidden_sizes",
                List.of(8),
                "output_size",
                1,
                "dropout",
                0.1))
        .set("optimizer", Map.of("kind", "adamw", "lr", 0.01))
        .set("trainer.max_updates", 24)
        .set("trainer.batch_size", 16)
        .set("trainer.callbacks", List.of(Map.of("kind", "checkpoint", "every_n_updates", 4)));
  }

  @Test
  void aRunOnDataBuiltInCodeResumedFromJavaEndsBitForBitLikeAnUninterruptedOne() {
    Noether noether = Noether.create(dir);
    TrainingSummary straight = noether.train(config("straight"));
    TrainingSummary interrupted =
        noether.train(
            config("split")
                .set(
                    "trainer.callbacks",
                    List.of(
                        Map.of("kind", "checkpoint", "every_n_updates", 4),
                        Map.of("kind", "test-interrupt", "at_update", 10))));
    TrainingSummary resumed = noether.train(config("split").set("resume_run_id", "split"));

    assertThat(interrupted.interrupted()).isTrue();
    assertThat(interrupted.updates()).isEqualTo(10);
    assertThat(resumed.updates()).isEqualTo(24);
    assertThat(resumed.metrics()).isEqualTo(straight.metrics());
    try (LoadedModel a = noether.load(straight.checkpoint("last"));
        LoadedModel b = noether.load(resumed.checkpoint("last"))) {
      a.model()
          .stateDict()
          .forEach(
              (k, v) -> assertThat(v.contentEquals(b.model().stateDict().get(k))).as(k).isTrue());
    }
  }

  @Test
  void anInMemoryDatasetThatIsNotRegisteredIsAConfigurationErrorThatSaysHowToRegisterIt() {
    Noether noether = Noether.create(dir);
    NoetherConfig config =
        config("missing")
            .set("dataset", Map.of("kind", "in-memory", "name", "nobody-registered-this"));

    assertThatThrownBy(() -> noether.train(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no in-memory dataset named 'nobody-registered-this'")
        .hasMessageContaining("NoetherConfig.dataset(name, source)");
  }
}
