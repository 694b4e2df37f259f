package ai.noether.examples.plugin.timebudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import ai.noether.testkit.RecordingTrainingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The callback on a clock moved by hand, with a training context that records what the callback
 * asks for, so that every decision can be followed to the second.
 */
class TimeBudgetCallbackTest {
  private static final Instant START = Instant.parse("2026-03-01T16:00:00Z");

  @Test
  void savesOneCheckpointAfterTheFirstUpdateToMeasureHowLongSavesTake() {
    FakeClock clock = new FakeClock(START, Duration.ofMinutes(1));
    TimeBudgetCallback callback =
        new TimeBudgetCallback(TimeBudgetCallbackConfig.ofMinutes(60), clock, ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    callback.beforeTraining(context);

    update(callback, context, clock, Duration.ofSeconds(2));
    assertThat(context.writer().requests())
        .as("one resumable save that moves latest")
        .containsExactly("optim+latest");

    update(callback, context, clock, Duration.ofSeconds(2));
    context.writer().completeAll();
    update(callback, context, clock, Duration.ofSeconds(2));

    assertThat(context.writer().requests()).as("no further save while there is time").hasSize(1);
    assertThat(context.stopReason()).isNull();
  }

  @Test
  void stopsWithAResumableCheckpointWhenTheNextUpdateASaveAndTheMarginNoLongerFit() {
    // 10 min from the process start, 1 min margin. The first update takes 90 s (warm-up), the
    // others 30 s; the measuring save takes 20 s. Updates end at 90, 120, ..., 90 + 30 (n - 1) s.
    // After update 14 (480 s) 120 s are left, enough for 30 + 20 + 60 s; after update 15 (510 s)
    // only 90 s are: it stops there. Counting the warm-up as an update would stop at update 13.
    FakeClock clock = new FakeClock(START, Duration.ZERO);
    TimeBudgetCallback callback =
        new TimeBudgetCallback(
            TimeBudgetCallbackConfig.ofMinutes(10).withMarginMinutes(1), clock, ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    callback.beforeTraining(context);

    update(callback, context, clock, Duration.ofSeconds(90));
    clock.advance(Duration.ofSeconds(20));
    context.writer().completeAll();
    clock.advance(Duration.ofSeconds(10));
    callback.afterUpdate(context.nextUpdate(32));
    while (context.stopReason() == null && context.iteration().update() < 100) {
      update(callback, context, clock, Duration.ofSeconds(30));
    }

    assertThat(context.iteration().update()).isEqualTo(15);
    assertThat(context.stopReason())
        .isEqualTo(
            "time budget: 90.0 s left; next update up to 30.0 s, a save up to 20.0 s, margin 60.0 s");
    assertThat(context.interrupted()).as("the trainer writes the emergency checkpoint").isTrue();
    assertThat(context.writer().requests())
        .as("only the measuring save")
        .containsExactly("optim+latest");
  }

  @Test
  void makesOneUpdateEvenWhenTheBudgetWasSpentBeforeTrainingStarted() {
    FakeClock clock = new FakeClock(START, Duration.ofMinutes(20));
    TimeBudgetCallback callback =
        new TimeBudgetCallback(TimeBudgetCallbackConfig.ofMinutes(10), clock, ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();

    callback.beforeTraining(context);
    assertThat(context.stopReason()).isNull();
    update(callback, context, clock, Duration.ofSeconds(1));

    assertThat(context.stopReason()).startsWith("time budget: -10.0 min left");
    assertThat(context.interrupted()).isTrue();
    assertThat(context.writer().requests())
        .as("the trainer, not the callback, writes the checkpoint")
        .isEmpty();
  }

  @Test
  void leavesATrainingAloneThatSomethingElseIsStopping() {
    FakeClock clock = new FakeClock(START, Duration.ofMinutes(20));
    TimeBudgetCallback callback =
        new TimeBudgetCallback(TimeBudgetCallbackConfig.ofMinutes(10), clock, ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    context.stopElsewhere();
    callback.beforeTraining(context);

    update(callback, context, clock, Duration.ofSeconds(1));

    assertThat(context.stopReason()).isNull();
    assertThat(context.writer().requests()).isEmpty();
  }

  @Test
  void aDeadlineEndsTheBudgetAtThatInstantWhicheverOffsetItIsWrittenIn() {
    // 18:00 at +01:00 is 17:00Z: an hour after the clock's 16:00Z. The first update ends at 50 s,
    // the measuring save takes 10 s, update n > 1 ends at 60 (n - 1) s. With the default margin
    // of 2 min, 190 s must be left after an update: update 57 (3360 s) goes on, update 58
    // (3420 s) stops. Reading the deadline as 18:00Z would stop at update 118.
    FakeClock clock = new FakeClock(START.minus(Duration.ofMinutes(5)), Duration.ofMinutes(5));
    TimeBudgetCallback callback =
        new TimeBudgetCallback(
            new TimeBudgetCallbackConfig(null, "2026-03-01T18:00:00+01:00", null),
            clock,
            ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    callback.beforeTraining(context);

    update(callback, context, clock, Duration.ofSeconds(50));
    clock.advance(Duration.ofSeconds(10));
    context.writer().completeAll();
    callback.afterUpdate(context.nextUpdate(32));
    while (context.stopReason() == null && context.iteration().update() < 200) {
      update(callback, context, clock, Duration.ofSeconds(60));
    }

    assertThat(context.iteration().update()).isEqualTo(58);
    assertThat(context.stopReason())
        .isEqualTo(
            "time budget: 3.0 min left; next update up to 60.0 s, a save up to 10.0 s, margin 2.0 min");
  }

  @Test
  void aDeadlineWithoutAnOffsetIsInTheLocalZone() {
    // 17:30 in Berlin (UTC+1 in March) is 16:30Z, 30 min after the clock's 16:00Z: with updates
    // of a minute and no margin, update 30 is the last. Read as 17:30Z it would be update 90.
    FakeClock clock = new FakeClock(START, Duration.ZERO);
    TimeBudgetCallback callback =
        new TimeBudgetCallback(
            new TimeBudgetCallbackConfig(null, "2026-03-01T17:30", 0.0),
            clock,
            ZoneId.of("Europe/Berlin"));
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    callback.beforeTraining(context);

    update(callback, context, clock, Duration.ofMinutes(1));
    context.writer().completeAll();
    while (context.stopReason() == null && context.iteration().update() < 200) {
      update(callback, context, clock, Duration.ofMinutes(1));
    }

    assertThat(context.iteration().update()).isEqualTo(30);
    assertThat(context.stopReason()).startsWith("time budget: 0.0 s left;");
  }

  @Test
  void aDeadlineThatHasPassedIsRejectedNamingIt() {
    FakeClock clock = new FakeClock(START, Duration.ZERO);
    TimeBudgetCallbackConfig config =
        new TimeBudgetCallbackConfig(null, "2026-03-01T15:00:00Z", null);

    assertThatThrownBy(() -> new TimeBudgetCallback(config, clock, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "deadline 2026-03-01T15:00:00Z has passed (it is 2026-03-01T16:00:00Z now); set a later one,"
                + " e.g. deadline: 2026-03-01T20:00:00Z");
  }

  @Test
  void theStateCarriesWallTimeProcessesAndTheMeasuredSaveToTheNextProcess() {
    FakeClock first = new FakeClock(START, Duration.ofSeconds(30));
    TimeBudgetCallback before =
        new TimeBudgetCallback(TimeBudgetCallbackConfig.ofMinutes(60), first, ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    before.beforeTraining(context);
    update(before, context, first, Duration.ofSeconds(6));
    first.advance(Duration.ofSeconds(4));
    context.writer().completeAll();
    for (int i = 0; i < 9; i++) {
      update(before, context, first, Duration.ofSeconds(6));
    }
    Map<String, Object> saved = before.state();
    assertThat(saved)
        .containsExactly(
            entry("wall_seconds", 94.0),
            entry("processes", 1L),
            entry("longest_save_seconds", 4.0));

    FakeClock second = new FakeClock(START.plus(Duration.ofHours(1)), Duration.ofSeconds(20));
    TimeBudgetCallback after =
        new TimeBudgetCallback(TimeBudgetCallbackConfig.ofMinutes(60), second, ZoneOffset.UTC);
    after.loadState(saved);
    RecordingTrainingContext resumed = RecordingTrainingContext.builder().holdSaves().build();
    after.beforeTraining(resumed);
    update(after, resumed, second, Duration.ofSeconds(5));
    after.afterTraining(resumed);

    assertThat(resumed.writer().requests())
        .as("the save time came with the state: nothing to measure")
        .isEmpty();
    assertThat(after.state())
        .containsExactly(
            entry("wall_seconds", 94.0 + 25.0),
            entry("processes", 2L),
            entry("longest_save_seconds", 4.0));
    assertThat(resumed.metrics()).containsOnlyKeys(TimeBudgetCallback.WALL_MINUTES);
    assertThat(resumed.metrics().get(TimeBudgetCallback.WALL_MINUTES))
        .isCloseTo(119.0 / 60, within(1e-9));
  }

  @Test
  void aStateWithoutWallTimeIsRejectedNamingTheKey() {
    TimeBudgetCallback callback =
        new TimeBudgetCallback(
            TimeBudgetCallbackConfig.ofMinutes(60),
            new FakeClock(START, Duration.ZERO),
            ZoneOffset.UTC);

    assertThatThrownBy(() -> callback.loadState(Map.of("processes", 1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the state has no number under wall_seconds (it holds [processes])");
  }

  @Test
  void aMeasuringSaveThatFailsIsNotRetriedAtEveryUpdate() {
    FakeClock clock = new FakeClock(START, Duration.ZERO);
    TimeBudgetCallback callback =
        new TimeBudgetCallback(TimeBudgetCallbackConfig.ofMinutes(60), clock, ZoneOffset.UTC);
    RecordingTrainingContext context = RecordingTrainingContext.builder().holdSaves().build();
    callback.beforeTraining(context);
    update(callback, context, clock, Duration.ofSeconds(1));

    context.writer().failAll();
    for (int i = 0; i < 5; i++) {
      update(callback, context, clock, Duration.ofSeconds(1));
    }

    assertThat(context.writer().requests()).hasSize(1);
    assertThat(callback.state()).containsEntry("longest_save_seconds", null);
  }

  /** Moves the clock by one update's duration, then runs the hook of that update. */
  private static void update(
      TimeBudgetCallback callback,
      RecordingTrainingContext context,
      FakeClock clock,
      Duration took) {
    clock.advance(took);
    callback.afterUpdate(context.nextUpdate(32));
  }

  /**
   * A clock that moves only when told; its monotonic readings start at an arbitrary negative value.
   */
  static final class FakeClock implements WallClock {
    private final Instant processStart;
    private Instant now;
    private long nanos = -7_000_000_000L;

    FakeClock(Instant processStart, Duration sinceProcessStart) {
      this.processStart = processStart;
      this.now = processStart.plus(sinceProcessStart);
    }

    void advance(Duration d) {
      now = now.plus(d);
      nanos += d.toNanos();
    }

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Instant processStart() {
      return processStart;
    }
  }
}
