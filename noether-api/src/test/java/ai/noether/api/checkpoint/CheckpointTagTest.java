package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CheckpointTagTest {

  @Test
  void noetherPythonsBestModelTagsKeepTheirSpellingAndTellMetricAndTolerance() {
    CheckpointTag.BestModel best =
        (CheckpointTag.BestModel) CheckpointTag.parse("best_model.loss.online.total");
    CheckpointTag.BestModel tolerance =
        (CheckpointTag.BestModel) CheckpointTag.parse("best_model.loss.online.total.tolerance=10");
    CheckpointTag.BestModel older =
        (CheckpointTag.BestModel) CheckpointTag.parse("best_model.loss.online.total.tolerance10");

    assertThat(best.metric()).isEqualTo("loss.online.total");
    assertThat(best.tolerance()).isEmpty();
    assertThat(tolerance.metric()).isEqualTo("loss.online.total");
    assertThat(tolerance.tolerance()).isEqualTo(OptionalLong.of(10));
    assertThat(older.tolerance()).isEqualTo(OptionalLong.of(10));
    assertThat(older.token()).isEqualTo("best_model.loss.online.total.tolerance10");
    assertThat(older).isNotEqualTo(tolerance);
    assertThat(older.sameCheckpointAs(tolerance)).isTrue();
    assertThat(best.sameCheckpointAs(tolerance)).isFalse();
    assertThat(best.isAlias()).isFalse();
  }

  @Test
  void aBestModelTagMayBeTypedWithTheMetricKeyAsLogged() {
    assertThat(CheckpointTag.parse("best_model.loss/online/total"))
        .isEqualTo(CheckpointTag.parse("best_model.loss.online.total"));
    assertThat(CheckpointTag.bestModel("loss/online/total").token())
        .isEqualTo("best_model.loss.online.total");
    assertThat(CheckpointTag.bestModel("accuracy").withTolerance(3).token())
        .isEqualTo("best_model.accuracy.tolerance=3");
  }

  @Test
  void ourOwnBestTagsAreUnchanged() {
    assertThat(CheckpointTag.parse("best.loss~valid")).isEqualTo(CheckpointTag.best("loss/valid"));
    assertThat(CheckpointTag.best("loss/valid").token()).isEqualTo("best.loss~valid");
  }

  @Test
  void aBestModelTagThatCouldNotBeAFileNameIsRefusedNamingTheCharacter() {
    assertThatThrownBy(() -> CheckpointTag.parse("best_model."))
        .isInstanceOf(InvalidNameException.class)
        .hasMessage("best_model checkpoint needs a metric, e.g. best_model.loss.online.total");
    assertThatThrownBy(() -> CheckpointTag.parse("best_model.loss valid"))
        .hasMessage(
            "checkpoint tag 'best_model.loss valid' contains whitespace at position 15; a best_model tag holds"
                + " letters, digits and . _ - + = , @ ~ %");
    assertThatThrownBy(() -> CheckpointSelector.parse("best_model.a\\b"))
        .hasMessageContaining("selects no checkpoint")
        .hasMessageContaining("contains a path separator '\\'");
  }
}
