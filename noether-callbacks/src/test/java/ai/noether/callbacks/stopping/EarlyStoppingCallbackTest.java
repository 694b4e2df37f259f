package ai.noether.callbacks.stopping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.metric.Direction;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.testkit.RecordingTrainingContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyStoppingCallbackTest {
  @TempDir Path dir;

  /** Feeds values until a stop is requested; returns how many were fed. */
  private static int feedUntilStop(
      EarlyStoppingCallback callback,
      RecordingTrainingContext context,
      String key,
      double... values) {
    for (int i = 0; i < values.length; i++) {
      context.at(0, i + 1, (i + 1) * 10L);
      callback.onMetricsLogged(context, Map.of(key, values[i]));
      if (context.stopRequested()) {
        return i + 1;
      }
    }
    return values.length;
  }

  @Test
  void stopsAfterPatienceEvaluationsWithoutImprovement() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    EarlyStoppingCallback callback =
        new EarlyStoppingCallback(EarlyStoppingCallbackConfig.of("loss/valid/total", 2));

    int fed =
        feedUntilStop(callback, context, "loss/valid/total", 1.0, 0.9, 0.95, 0.8, 0.85, 0.81, 0.5);

    assertThat(fed).isEqualTo(6);
    assertThat(context.stopReasons())
        .singleElement()
        .asString()
        .contains("loss/valid/total did not improve for 2 evaluations (patience 2)")
        .contains("best 0.8 at E0_U4_S40");
  }

  @Test
  void anImprovementSmallerThanMinDeltaDoesNotCount() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    EarlyStoppingCallback callback =
        new EarlyStoppingCallback(
            new EarlyStoppingCallbackConfig("loss/valid/total", 2, 0.1, null));

    int fed = feedUntilStop(callback, context, "loss/valid/total", 1.0, 0.95, 0.91, 0.5);

    assertThat(fed).isEqualTo(3);
    assertThat(context.stopReasons().get(0)).contains("by more than 0.1");
  }

  @Test
  void anAccuracyMustRise() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    EarlyStoppingCallback callback =
        new EarlyStoppingCallback(
            EarlyStoppingCallbackConfig.of("accuracy/valid", 1), Direction.HIGHER_IS_BETTER);

    assertThat(feedUntilStop(callback, context, "accuracy/valid", 0.5, 0.6, 0.7, 0.65, 0.9))
        .isEqualTo(4);
  }

  @Test
  void aCallbackRestoredFromTheStateStopsAtTheSameEvaluation() {
    double[] values = {1.0, 0.9, 0.95, 0.96, 0.8, 0.85, 0.86, 0.87, 0.7};
    EarlyStoppingCallbackConfig config = EarlyStoppingCallbackConfig.of("loss/valid/total", 3);
    int uninterrupted =
        feedUntilStop(
            new EarlyStoppingCallback(config),
            RecordingTrainingContext.of(dir),
            "loss/valid/total",
            values);

    EarlyStoppingCallback first = new EarlyStoppingCallback(config);
    int firstPart =
        feedUntilStop(
            first,
            RecordingTrainingContext.of(dir),
            "loss/valid/total",
            java.util.Arrays.copyOfRange(values, 0, 6));
    EarlyStoppingCallback resumed = new EarlyStoppingCallback(config);
    resumed.loadState(StateTrees.roundTrip(first.state()));
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    resumed.beforeTraining(context);
    int secondPart =
        feedUntilStop(
            resumed,
            context,
            "loss/valid/total",
            java.util.Arrays.copyOfRange(values, 6, values.length));

    assertThat(firstPart).isEqualTo(6);
    assertThat(firstPart + secondPart).isEqualTo(uninterrupted).isEqualTo(8);
    assertThat(resumed.stateKey()).isEqualTo("early-stopping/loss/valid/total");
  }

  @Test
  void resumingAfterTheStopWithTheSamePatienceStopsAtOnce() {
    EarlyStoppingCallbackConfig config = EarlyStoppingCallbackConfig.of("loss/valid/total", 1);
    EarlyStoppingCallback first = new EarlyStoppingCallback(config);
    feedUntilStop(first, RecordingTrainingContext.of(dir), "loss/valid/total", 1.0, 2.0);

    EarlyStoppingCallback resumed = new EarlyStoppingCallback(config);
    resumed.loadState(StateTrees.roundTrip(first.state()));
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    resumed.beforeTraining(context);

    assertThat(context.stopRequested()).isTrue();
  }

  @Test
  void configNamesTheKeyThatIsWrong() {
    assertThatThrownBy(() -> EarlyStoppingCallbackConfig.of("loss/valid/total", 0))
        .hasMessageContaining("patience");
    assertThatThrownBy(() -> new EarlyStoppingCallbackConfig("loss/valid/total", null, null, null))
        .hasMessageContaining("patience");
    assertThatThrownBy(() -> new EarlyStoppingCallbackConfig("loss/valid/total", 3, -0.1, null))
        .hasMessageContaining("min_delta");
    assertThatThrownBy(() -> new EarlyStoppingCallbackConfig(null, 3, null, null))
        .hasMessageContaining("metric_key");
  }
}
