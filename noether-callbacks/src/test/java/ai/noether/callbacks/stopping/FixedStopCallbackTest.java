package ai.noether.callbacks.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.testkit.RecordingTrainingContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixedStopCallbackTest {
  @TempDir Path dir;

  /** Runs up to 100 updates of 8 samples, 5 updates per epoch; returns the update that stopped. */
  private static long updatesUntilStop(
      FixedStopCallback callback, RecordingTrainingContext context) {
    callback.beforeTraining(context);
    for (long u = context.iteration().update() + 1; u <= 100 && !context.stopRequested(); u++) {
      context.at(u / 5, u, u * 8);
      callback.afterUpdate(context);
    }
    return context.iteration().update();
  }

  @Test
  void stopsWhenTheConfiguredCounterIsReached() {
    assertThat(
            updatesUntilStop(
                new FixedStopCallback(new FixedStopCallbackConfig(null, 7L, null)),
                RecordingTrainingContext.of(dir)))
        .isEqualTo(7);
    assertThat(
            updatesUntilStop(
                new FixedStopCallback(new FixedStopCallbackConfig(3L, null, null)),
                RecordingTrainingContext.of(dir)))
        .isEqualTo(15);
    assertThat(
            updatesUntilStop(
                new FixedStopCallback(new FixedStopCallbackConfig(null, null, 60L)),
                RecordingTrainingContext.of(dir)))
        .as("the first update with at least 60 samples")
        .isEqualTo(8);
  }

  @Test
  void theReasonNamesTheKey() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    updatesUntilStop(new FixedStopCallback(new FixedStopCallbackConfig(null, 7L, null)), context);

    assertThat(context.stopReasons())
        .containsExactly("fixed-stop reached at_update: 7 at E1_U7_S56");
  }

  @Test
  void aRunResumedAtTheLimitStopsBeforeItsFirstUpdate() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir).at(2, 10, 80);
    FixedStopCallback callback =
        new FixedStopCallback(new FixedStopCallbackConfig(null, 10L, null));

    callback.beforeTraining(context);

    assertThat(context.stopRequested()).isTrue();
  }

  @Test
  void configNeedsExactlyOnePositiveCounter() {
    assertThatThrownBy(() -> new FixedStopCallbackConfig(null, null, null))
        .hasMessageContaining("at_epoch, at_update, at_sample");
    assertThatThrownBy(() -> new FixedStopCallbackConfig(1L, 2L, null))
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new FixedStopCallbackConfig(null, 0L, null))
        .hasMessageContaining("at_update must be at least 1");
  }
}
