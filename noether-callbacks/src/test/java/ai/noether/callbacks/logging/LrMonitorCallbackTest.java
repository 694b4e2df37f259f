package ai.noether.callbacks.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.testkit.RecordingTrainingContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LrMonitorCallbackTest {
  @TempDir Path dir;

  @Test
  void logsTheLearningRateOfTheLatestUpdateAtItsInterval() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    LrMonitorCallback callback =
        new LrMonitorCallback(new LrMonitorCallbackConfig(null, 3L, null, null, null));
    callback.beforeTraining(context);

    for (long u = 1; u <= 7; u++) {
      context.at(0, u, u * 4).learningRate(0.1 / u);
      callback.afterUpdate(context);
    }

    assertThat(context.loggedValues())
        .containsExactly(Map.of("optim/lr", 0.1 / 3), Map.of("optim/lr", 0.1 / 6));
  }

  @Test
  void defaultsToEveryFiftyUpdatesUnderOptimLr() {
    LrMonitorCallbackConfig config = new LrMonitorCallbackConfig(null, null, null, null, null);

    assertThat(config.interval().every()).isEqualTo(50);
    assertThat(config.key()).isEqualTo("optim/lr");
    assertThat(new LrMonitorCallbackConfig(2L, null, null, null, "lr").interval().toString())
        .isEqualTo("every_n_epochs: 2");
    assertThatThrownBy(() -> new LrMonitorCallbackConfig(null, null, null, null, " "))
        .hasMessageContaining("key");
  }

  @Test
  void aCustomKeyIsUsed() {
    RecordingTrainingContext context = RecordingTrainingContext.of(dir);
    LrMonitorCallback callback =
        new LrMonitorCallback(new LrMonitorCallbackConfig(null, 1L, null, null, "lr"));
    callback.beforeTraining(context);
    context.at(0, 1, 4).learningRate(0.5);
    callback.afterUpdate(context);

    assertThat(context.loggedValues()).isEqualTo(List.of(Map.of("lr", 0.5)));
  }
}
