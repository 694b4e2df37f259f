package ai.noether.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockCheckTest {
  private final Origins origins = new Origins("run.yaml");

  @Test
  void recordsTheProblemsOfABlockInsteadOfThrowingThem() {
    ConfigErrors errors = new ConfigErrors();
    BlockCheck reject =
        (role, block) -> {
          throw block.error(role + " '" + block.kind() + "' rejected");
        };

    reject.recordProblems(BlockCheck.MODEL, block("mlp"), errors);
    reject.recordProblems(BlockCheck.CALLBACK, block("ema"), errors);

    assertThatThrownBy(errors::throwIfAny)
        .hasMessageContaining("model: model 'mlp' rejected")
        .hasMessageContaining("model: callback 'ema' rejected");
  }

  @Test
  void aBlockThatCouldNotBeReadIsNotChecked() {
    ConfigErrors errors = new ConfigErrors();
    BlockCheck reject =
        (role, block) -> {
          throw block.error("rejected");
        };

    reject.recordProblems(BlockCheck.MODEL, null, errors);

    assertThat(errors.isEmpty()).isTrue();
  }

  private ComponentBlock block(String kind) {
    return new ComponentBlock("model", kind, Map.of(), List.of("kind"), origins);
  }
}
