package ai.noether.callbacks.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.testkit.RecordingTrainingContext;
import ai.noether.testkit.TestModel;
import ai.noether.testkit.TestTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCallbackTest {
  private static final int UPDATES_PER_EPOCH = 4;
  private static final int BATCH = 8;

  @TempDir Path dir;

  private RecordingTrainingContext context() {
    return RecordingTrainingContext.of(dir, new TestModel("mlp").with("w", TestTensor.floats(1f)));
  }

  private static TrainingIteration after(long update) {
    return new TrainingIteration(update / UPDATES_PER_EPOCH, update, update * BATCH);
  }

  /** Runs updates {@code from+1..to}, calling afterUpdate as the trainer does. */
  private static void train(
      CheckpointCallback callback, RecordingTrainingContext context, long from, long to) {
    for (long u = from + 1; u <= to; u++) {
      context.at(after(u));
      callback.afterUpdate(context);
    }
  }

  private static CheckpointTag tagAfter(long update) {
    return CheckpointTag.at(after(update));
  }

  @Test
  void savesAResumableCheckpointAtEveryNthEpochWithOptimizerAndLatest() {
    RecordingTrainingContext context = context();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(2)));
    callback.beforeTraining(context);

    train(callback, context, 0, 20);

    assertThat(context.writer().resumableSaves()).containsExactly(after(8), after(16));
    assertThat(context.writer().optimizerFlags()).containsOnly(true);
    assertThat(context.writer().latestFlags()).containsOnly(true);
  }

  @Test
  void saveOptimAndSaveLatestCanBeTurnedOff() {
    RecordingTrainingContext context = context();
    CheckpointCallback callback =
        new CheckpointCallback(
            new CheckpointCallbackConfig(null, 5L, null, null, false, false, null));
    callback.beforeTraining(context);

    train(callback, context, 0, 10);

    assertThat(context.writer().resumableSaves()).containsExactly(after(5), after(10));
    assertThat(context.writer().optimizerFlags()).containsOnly(false);
    assertThat(context.writer().latestFlags()).containsOnly(false);
  }

  @Test
  void aSampleIntervalFiresWhenTheSampleCounterCrossesAMultiple() {
    RecordingTrainingContext context = context();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.samples(20)));
    callback.beforeTraining(context);

    train(callback, context, 0, 8);

    // Samples after each update: 8 16 24 32 40 48 56 64; 20, 40 and 60 are crossed at 24, 40 and
    // 64.
    assertThat(context.writer().resumableSaves()).containsExactly(after(3), after(5), after(8));
  }

  @Test
  void aMinuteIntervalFiresOnTheClock() {
    AtomicLong nanos = new AtomicLong();
    RecordingTrainingContext context = context();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.minutes(10)), nanos::get);
    callback.beforeTraining(context);

    for (long u = 1; u <= 30; u++) {
      nanos.addAndGet(TimeUnit.MINUTES.toNanos(1));
      context.at(after(u));
      callback.afterUpdate(context);
    }

    assertThat(context.writer().resumableSaves()).containsExactly(after(10), after(20), after(30));
  }

  @Test
  void keepLastDeletesOnlyThisCallbacksOlderPeriodicCheckpoints() {
    RecordingTrainingContext context = context();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.updates(2)).withKeepLast(2));
    context.writer().saveModels(CheckpointTag.best("loss/valid/total"), List.of());
    context.writer().existing(CheckpointTag.emergency(after(3), "signal"));
    context.writer().existing(CheckpointTag.LATEST);
    callback.beforeTraining(context);

    train(callback, context, 0, 10);
    callback.afterTraining(context);

    assertThat(context.writer().deletes()).containsExactly(tagAfter(2), tagAfter(4), tagAfter(6));
    assertThat(context.writer().onDisk())
        .containsExactlyInAnyOrder(
            CheckpointTag.best("loss/valid/total"),
            CheckpointTag.emergency(after(3), "signal"),
            CheckpointTag.LATEST,
            tagAfter(8),
            tagAfter(10));
    assertThat(callback.keptCheckpoints()).containsExactly(tagAfter(8), tagAfter(10));
  }

  @Test
  void olderCheckpointsAreDeletedOnlyAfterTheNewerOneIsCommitted() {
    RecordingTrainingContext context = context();
    context.writer().holdSaves();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.updates(1)).withKeepLast(1));
    callback.beforeTraining(context);

    train(callback, context, 0, 1);
    context.writer().completeOldest();
    train(callback, context, 1, 2);
    train(callback, context, 2, 3);

    assertThat(context.writer().deletes()).as("U2 is still being written").isEmpty();

    context.writer().completeOldest();
    context.writer().completeOldest();
    train(callback, context, 3, 4);

    assertThat(context.writer().deletes()).containsExactly(tagAfter(1), tagAfter(2));
  }

  @Test
  void aFailedSaveIsForgottenAndTheOlderCheckpointIsKeptInItsPlace() {
    RecordingTrainingContext context = context();
    context.writer().holdSaves();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.updates(1)).withKeepLast(1));
    callback.beforeTraining(context);

    train(callback, context, 0, 1);
    context.writer().completeOldest();
    train(callback, context, 1, 2);
    context.writer().failOldest();
    context.at(after(2));
    callback.afterTraining(context);

    assertThat(context.writer().deletes()).isEmpty();
    assertThat(callback.keptCheckpoints()).containsExactly(tagAfter(1));
  }

  @Test
  void retentionContinuesAfterARestoreFromTheState() {
    CheckpointCallbackConfig config =
        CheckpointCallbackConfig.every(Interval.updates(2)).withKeepLast(2);
    RecordingTrainingContext uninterrupted = context();
    CheckpointCallback a = new CheckpointCallback(config);
    a.beforeTraining(uninterrupted);
    train(a, uninterrupted, 0, 16);

    RecordingTrainingContext first = context();
    CheckpointCallback b = new CheckpointCallback(config);
    b.beforeTraining(first);
    train(b, first, 0, 7);
    Map<String, Object> saved = StateTrees.roundTrip(b.state());

    RecordingTrainingContext resumed = context().at(after(7));
    CheckpointCallback c = new CheckpointCallback(config);
    c.loadState(saved);
    c.beforeTraining(resumed);
    train(c, resumed, 7, 16);

    List<CheckpointTag> deletedAcrossTheResume =
        new java.util.ArrayList<>(first.writer().deletes());
    deletedAcrossTheResume.addAll(resumed.writer().deletes());
    assertThat(deletedAcrossTheResume).containsExactlyElementsOf(uninterrupted.writer().deletes());
    assertThat(c.keptCheckpoints()).containsExactly(tagAfter(14), tagAfter(16));
    assertThat(c.state()).isEqualTo(a.state());
  }

  @Test
  void theStateListsTheKeptTagsAndUsesAStableKey() {
    RecordingTrainingContext context = context();
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(1)).withKeepLast(3));
    callback.beforeTraining(context);
    train(callback, context, 0, 8);

    assertThat(callback.stateKey()).isEqualTo("checkpoint/every_n_epochs=1");
    assertThat(callback.state())
        .containsEntry("kept", List.of("E1_U4_S32", "E2_U8_S64"))
        .containsEntry("pending_deletion", List.of());
  }

  @Test
  void aStateThatListsSomethingOtherThanPeriodicCheckpointsIsRejected() {
    CheckpointCallback callback =
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(1)));

    assertThatThrownBy(
            () ->
                callback.loadState(
                    Map.of(
                        "kept", List.of("best.loss~valid~total"), "pending_deletion", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("periodic checkpoints only");
    assertThatThrownBy(
            () -> callback.loadState(Map.of("kept", "E1_U4_S32", "pending_deletion", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'kept'")
        .hasMessageContaining("a list");
  }

  @Test
  void configNeedsExactlyOneIntervalAndAPositiveKeepLast() {
    assertThatThrownBy(() -> new CheckpointCallbackConfig(null, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every_n_epochs, every_n_updates");
    assertThatThrownBy(() -> new CheckpointCallbackConfig(1L, 5L, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every_n_epochs")
        .hasMessageContaining("every_n_updates");
    assertThatThrownBy(() -> new CheckpointCallbackConfig(1L, null, null, null, null, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keep_last");
    assertThatThrownBy(() -> new CheckpointCallbackConfig(null, null, null, -3L, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every_n_minutes");
    CheckpointCallbackConfig defaults =
        new CheckpointCallbackConfig(null, 100L, null, null, null, null, null);
    assertThat(defaults.saveOptim()).isTrue();
    assertThat(defaults.saveLatest()).isTrue();
    assertThat(defaults.keepLast()).isNull();
  }
}
