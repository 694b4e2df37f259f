package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.optim.Optimizer;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageTrainerTest {
  static final String YAML =
      """
      dataset: {kind: synthetic-regression}
      model: {name: regressor, kind: mlp}
      optimizer: {kind: lbfgs, lr: 0.1}
      trainer: {max_updates: 10, batch_size: 4}
      """;

  @Test
  void accumulatingBatchesWithAnOptimizerThatCannotIsAnErrorAtTheOptimizerBlock() {
    RunConfig config = config("trainer.accumulate_grad_batches=4");

    assertThatThrownBy(() -> StageTrainer.checkAccumulation(config, new Fake(false)))
        .isExactlyInstanceOf(ConfigException.class)
        .hasMessage(
            "run.yaml line 3: optimizer: optimizer 'lbfgs' cannot accumulate gradients, but"
                + " trainer.accumulate_grad_batches is 4; use an optimizer that can (sgd, adam,"
                + " adamw) or set trainer.accumulate_grad_batches: 1");
  }

  @Test
  void anyOptimizerTrainsWithoutAccumulationAndOneThatCanAccumulates() {
    assertThatCode(() -> StageTrainer.checkAccumulation(config(), new Fake(false)))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                StageTrainer.checkAccumulation(
                    config("trainer.accumulate_grad_batches=4"), new Fake(true)))
        .doesNotThrowAnyException();
  }

  private static RunConfig config(String... overrides) {
    return new RunConfigLoader(Path.of("/tmp"), () -> "run-1")
        .parse(YAML, "run.yaml", List.of(overrides));
  }

  /** An optimizer that only says whether it can accumulate gradients. */
  private record Fake(boolean accumulates) implements Optimizer {
    @Override
    public String kind() {
      return "lbfgs";
    }

    @Override
    public void step(double learningRate) {}

    @Override
    public boolean accumulatesGradients() {
      return accumulates;
    }

    @Override
    public Map<String, Object> state() {
      return Map.of();
    }

    @Override
    public void loadState(Map<String, Object> state) {}
  }
}
