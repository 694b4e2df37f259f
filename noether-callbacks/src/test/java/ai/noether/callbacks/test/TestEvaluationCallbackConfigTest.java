package ai.noether.callbacks.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestEvaluationCallbackConfigTest {

  @Test
  void defaultsToTheFinalWeightsOnTheTestSplit() {
    TestEvaluationCallbackConfig c = new TestEvaluationCallbackConfig(null, null, null);
    assertThat(c.checkpoints()).containsExactly("final");
    assertThat(c.modelInfo()).isEmpty();
    assertThat(c.split()).isEqualTo("test");
  }

  @Test
  void takesCheckpointSelectorsAndModelInfos() {
    TestEvaluationCallbackConfig c =
        new TestEvaluationCallbackConfig(
            List.of("best.rmse~valid~rul", " last ", "E10", "final"), List.of("ema=0.99"), "valid");
    assertThat(c.checkpoints()).containsExactly("best.rmse~valid~rul", "last", "E10", "final");
    assertThat(c.modelInfo()).containsExactly("ema=0.99");
    assertThat(c.split()).isEqualTo("valid");
  }

  @Test
  void badValuesNameTheKeyAndWhatIsValid() {
    assertThatThrownBy(() -> new TestEvaluationCallbackConfig(List.of("bestest"), null, null))
        .hasMessageContaining("checkpoints:")
        .hasMessageContaining("'bestest' selects no checkpoint")
        .hasMessageContaining("final");
    assertThatThrownBy(() -> new TestEvaluationCallbackConfig(List.of("last", "last"), null, null))
        .hasMessageContaining("checkpoints lists an entry twice");
    assertThatThrownBy(
            () -> new TestEvaluationCallbackConfig(Arrays.asList("last", null), null, null))
        .hasMessageContaining("checkpoints must list");
    assertThatThrownBy(() -> new TestEvaluationCallbackConfig(null, List.of(" "), null))
        .hasMessageContaining("model_info must list");
    assertThatThrownBy(() -> new TestEvaluationCallbackConfig(null, null, "train"))
        .hasMessageContaining("split must be test or valid, was 'train'");
  }
}
