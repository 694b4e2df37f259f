package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dataset.scaler} block as the configuration reader sees it. */
class ScalerConfigTest {
  static final String RUN =
      """
      dataset:
        kind: synthetic-regression
        scaler: %s
      model: {name: regressor, kind: mlp}
      optimizer: {kind: sgd, lr: 0.1}
      trainer: {max_updates: 10, batch_size: 4}
      """;

  @TempDir Path workingDir;

  RunConfig parse(String yaml) {
    return new RunConfigLoader(workingDir, () -> "generated").parse(yaml, "run.yaml", List.of());
  }

  @Test
  void theScalerIsTheFrameworksKeyAndNotPassedToTheDatasetKind() {
    RunConfig config =
        parse(RUN.formatted("{kind: min-max, fields: [features], condition_field: op}"));

    assertThat(config.dataset().settings()).doesNotContainKey("scaler");
    assertThat(ScalerConfig.ofDataset(config.toPlainTree().get("dataset")))
        .contains(
            new ScalerConfig(
                "min-max", List.of("features"), "op", ScalerConfig.DEFAULT_CHUNK_SIZE));
  }

  @Test
  void everyProblemOfTheBlockIsNamedWithItsPlace() {
    assertThatThrownBy(() -> parse(RUN.formatted("{kind: zscore, field: [x], chunk_size: 0}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "run.yaml line 3: unknown key 'dataset.scaler.field'. Did you mean 'fields'?")
        .hasMessageContaining(
            "dataset.scaler.kind: 'zscore' is not a scaler kind; valid: standard, min-max")
        .hasMessageContaining(
            "dataset.scaler: missing required key 'fields' (the fields to scale, e.g. fields: [x])")
        .hasMessageContaining("dataset.scaler.chunk_size");
  }

  @Test
  void aScalerWrittenUnderTheTrainerIsPointedToTheDataset() {
    assertThat(KeyPlacement.didYouMean("trainer", "scaler"))
        .isEqualTo(" Did you mean 'dataset.scaler'? (scaler belongs under dataset)");
  }
}
