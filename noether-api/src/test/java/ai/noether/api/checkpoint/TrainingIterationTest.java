package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingIterationTest {

  @Test
  void formatsAndParsesTheFullForm() {
    TrainingIteration it = TrainingIteration.parse("E10_U100_S200");

    assertThat(it).isEqualTo(new TrainingIteration(10, 100, 200));
    assertThat(it.toString()).isEqualTo("E10_U100_S200");
  }

  @Test
  void countersAdvanceByUpdateAndByEpoch() {
    TrainingIteration it = TrainingIteration.ZERO.nextUpdate(32).nextUpdate(32).nextEpoch();

    assertThat(it).isEqualTo(new TrainingIteration(1, 2, 64));
  }

  @Test
  void ordersByUpdateFirst() {
    assertThat(new TrainingIteration(5, 10, 0)).isLessThan(new TrainingIteration(0, 11, 0));
    assertThat(new TrainingIteration(0, 10, 5)).isLessThan(new TrainingIteration(0, 10, 6));
  }

  @Test
  void malformedTextNamesTheExpectedForm() {
    assertThatThrownBy(() -> TrainingIteration.parse("E10_U100"))
        .isInstanceOf(InvalidNameException.class)
        .hasMessage(
            "'E10_U100' is not a training iteration; expected E<epoch>_U<update>_S<sample>, e.g. E10_U100_S200");
    assertThatThrownBy(() -> TrainingIteration.parse("E1_U1_S99999999999999999999"))
        .hasMessage(
            "training iteration 'E1_U1_S99999999999999999999' has a counter that is too large");
    assertThatThrownBy(() -> new TrainingIteration(-1, 0, 0))
        .hasMessage("training iteration counters must not be negative: E-1_U0_S0");
  }
}
