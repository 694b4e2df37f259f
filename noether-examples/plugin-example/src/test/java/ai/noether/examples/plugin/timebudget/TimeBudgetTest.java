package ai.noether.examples.plugin.timebudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeBudgetTest {
  private static final long S = 1_000_000_000L;

  @Test
  void anotherUpdateFitsWhileTheTimeLeftCoversAnUpdateASaveAndTheMargin() {
    TimeBudget budget = new TimeBudget(100 * S, 10 * S);
    budget.updateTook(1 * S);
    budget.updateTook(1 * S);
    budget.saveTook(5 * S);

    assertThat(budget.check(84 * S).anotherUpdateFits()).as("16 s left for 1 + 5 + 10 s").isTrue();
    assertThat(budget.check(84 * S + 1).anotherUpdateFits()).as("a nanosecond less").isFalse();
    assertThat(budget.check(120 * S).anotherUpdateFits()).as("after the end").isFalse();
  }

  @Test
  void theFirstUpdateIsLeftOutOfTheEstimateOnceThereIsASecond() {
    TimeBudget budget = new TimeBudget(100 * S, 0);
    assertThat(budget.check(0).updateNanos()).as("nothing measured yet").isZero();

    budget.updateTook(30 * S);
    assertThat(budget.check(0).updateNanos()).as("the warm-up is all there is").isEqualTo(30 * S);

    budget.updateTook(1 * S);
    budget.updateTook(2 * S);
    budget.updateTook(1 * S);
    assertThat(budget.check(0).updateNanos()).as("the longest after the warm-up").isEqualTo(2 * S);
  }

  @Test
  void aSaveIsEstimatedAsTheLongestMeasured() {
    TimeBudget budget = new TimeBudget(100 * S, 0);
    budget.saveFinished(10 * S, 13 * S);
    budget.saveFinished(20 * S, 28 * S);
    budget.saveFinished(40 * S, 42 * S);

    assertThat(budget.check(50 * S).saveNanos()).isEqualTo(8 * S);
    assertThat(budget.longestSave()).hasValue(8 * S);
  }

  @Test
  void aSaveInFlightCountsAtLeastAsLongAsItHasBeenRunning() {
    TimeBudget budget = new TimeBudget(100 * S, 0);
    budget.saveTook(3 * S);
    budget.saveStarted(10 * S);

    assertThat(budget.check(11 * S).saveNanos())
        .as("the earlier measurement is longer")
        .isEqualTo(3 * S);
    assertThat(budget.check(25 * S).saveNanos()).as("running for 15 s already").isEqualTo(15 * S);

    budget.saveFinished(10 * S, 30 * S);
    assertThat(budget.check(90 * S).saveNanos())
        .as("measured, no longer in flight")
        .isEqualTo(20 * S);
  }

  @Test
  void aFailedSaveMeasuresNothing() {
    TimeBudget budget = new TimeBudget(100 * S, 0);
    budget.saveStarted(10 * S);
    assertThat(budget.knowsSaves()).as("in flight").isTrue();

    budget.saveEnded(10 * S);

    assertThat(budget.knowsSaves()).isFalse();
    assertThat(budget.longestSave()).isEmpty();
    assertThat(budget.check(90 * S).saveNanos()).isZero();
  }

  @Test
  void theEndOfAnEarlierSaveDoesNotClearTheOneInFlight() {
    TimeBudget budget = new TimeBudget(100 * S, 0);
    budget.saveStarted(10 * S);
    budget.saveStarted(20 * S);

    budget.saveFinished(10 * S, 22 * S);

    assertThat(budget.check(60 * S).saveNanos())
        .as("the second save has been running for 40 s")
        .isEqualTo(40 * S);
  }

  @Test
  void aCheckDescribesItsNumbersInReadableUnits() {
    TimeBudget budget = new TimeBudget(100 * 60 * S, 3 * 60 * S);
    budget.updateTook(S / 2);
    budget.updateTook(S / 2);
    budget.saveTook(12 * S);

    assertThat(budget.check(100 * 60 * S - 234 * S).describe())
        .isEqualTo("3.9 min left; next update up to 0.5 s, a save up to 12.0 s, margin 3.0 min");
  }

  @Test
  void aNegativeMarginIsRejected() {
    assertThatThrownBy(() -> new TimeBudget(100 * S, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("margin must not be negative");
  }
}
