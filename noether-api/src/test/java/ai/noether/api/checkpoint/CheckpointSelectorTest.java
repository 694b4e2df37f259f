package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckpointSelectorTest {
  private static final TrainingIteration IT = new TrainingIteration(10, 100, 200);

  @Test
  void partialSelectorsMatchOneCounterOfIterationTags() {
    assertThat(CheckpointSelector.parse("E10").matches(CheckpointTag.at(IT))).isTrue();
    assertThat(CheckpointSelector.parse("U100").matches(CheckpointTag.at(IT))).isTrue();
    assertThat(CheckpointSelector.parse("S200").matches(CheckpointTag.emergency(IT, "signal")))
        .isTrue();
    assertThat(CheckpointSelector.parse("U101").matches(CheckpointTag.at(IT))).isFalse();
    assertThat(CheckpointSelector.parse("E10").matches(CheckpointTag.LATEST)).isFalse();
  }

  @Test
  void theFullFormIsAcceptedAsAnExactMatch() {
    CheckpointSelector full = CheckpointSelector.parse("E10_U100_S200");

    assertThat(full.matches(CheckpointTag.at(IT))).isTrue();
    assertThat(full.matches(CheckpointTag.at(new TrainingIteration(10, 100, 201)))).isFalse();
  }

  @Test
  void namedTagsAndTheDefault() {
    assertThat(CheckpointSelector.parse(null))
        .isEqualTo(CheckpointSelector.of(CheckpointTag.LATEST));
    assertThat(CheckpointSelector.parse(" last "))
        .isEqualTo(CheckpointSelector.of(CheckpointTag.LAST));
    assertThat(
            CheckpointSelector.parse("best.loss/valid/total")
                .matches(CheckpointTag.best("loss/valid/total")))
        .isTrue();
    assertThat(
            CheckpointSelector.parse("best.loss~valid~total")
                .matches(CheckpointTag.best("loss/valid/total")))
        .isTrue();
    assertThat(
            CheckpointSelector.parse("E3_U1234_S39488.signal")
                .matches(CheckpointTag.emergency(new TrainingIteration(3, 1234, 39488), "signal")))
        .isTrue();
  }

  @Test
  void somethingElseListsTheValidForms() {
    assertThatThrownBy(() -> CheckpointSelector.parse("epoch10"))
        .isInstanceOf(InvalidNameException.class)
        .hasMessage(
            "'epoch10' selects no checkpoint; use latest, last, best.<metric>, best_model.<metric>, E<epoch>, "
                + "U<update>, S<sample>, E<epoch>_U<update>_S<sample> or an emergency tag such as E3_U1234_S39488.signal");
  }

  /** Property: a tag's own token selects exactly that tag. */
  @Test
  void everyTagIsSelectedByItsToken() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 2000; i++) {
      CheckpointTag tag = CheckpointFileNameTest.randomTag(random);
      assertThat(CheckpointSelector.parse(tag.token()).matches(tag)).as(tag.token()).isTrue();
      assertThat(CheckpointTag.parse(tag.token())).isEqualTo(tag);
    }
  }
}
