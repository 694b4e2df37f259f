package ai.noether.api.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DirectionTest {
  @Test
  void parsesMinAndMaxAndNamesTheKeyOtherwise() {
    assertThat(Direction.parse("MIN", "mode")).isEqualTo(Direction.LOWER_IS_BETTER);
    assertThat(Direction.parse("max", "mode")).isEqualTo(Direction.HIGHER_IS_BETTER);
    assertThatThrownBy(() -> Direction.parse("lower", "trainer.callbacks[0].mode"))
        .hasMessage("trainer.callbacks[0].mode must be min or max, was 'lower'");
  }

  @Test
  void comparesWithTheDeclaredDirection() {
    assertThat(Direction.LOWER_IS_BETTER.isImprovement(1.0, 2.0, 0)).isTrue();
    assertThat(Direction.HIGHER_IS_BETTER.isImprovement(1.0, 2.0, 0)).isFalse();
    assertThat(Direction.HIGHER_IS_BETTER.isImprovement(2.05, 2.0, 0.1)).isFalse();
    assertThat(Direction.LOWER_IS_BETTER.isImprovement(Double.NaN, null, 0)).isFalse();
    assertThat(Direction.LOWER_IS_BETTER.isImprovement(5.0, Double.NaN, 0)).isTrue();
  }

  @Test
  void buildsTheStandardKeys() {
    assertThat(MetricKeys.totalLoss("valid")).isEqualTo("loss/valid/total");
    assertThat(MetricKeys.loss("train", "rul")).isEqualTo("loss/train/rul");
    assertThat(MetricKeys.metric("rmse", "test", "rul")).isEqualTo("rmse/test/rul");
  }
}
