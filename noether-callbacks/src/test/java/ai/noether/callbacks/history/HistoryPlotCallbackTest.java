package ai.noether.callbacks.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.history.MetricHistory;
import ai.noether.core.history.PngHistoryPlotter;
import ai.noether.testkit.RecordingTrainingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryPlotCallbackTest {
  @TempDir Path stageDir;

  private void logLoss(MetricHistory history, long update) {
    history.append(
        new TrainingIteration(0, update, update * 8), Map.of("loss/train/total", 1.0 / update));
  }

  @Test
  void rendersThePlotsIntoTheStageDirectoryAtTheEndOfTraining() {
    MetricHistory history = new MetricHistory(stageDir.resolve(RunLayout.HISTORY_FILE));
    logLoss(history, 1);
    logLoss(history, 2);
    HistoryPlotCallback callback =
        new HistoryPlotCallback(
            new HistoryPlotCallbackConfig(null, null, null, null), new PngHistoryPlotter());
    RecordingTrainingContext context = RecordingTrainingContext.of(stageDir);

    callback.beforeTraining(context);
    context.at(0, 2, 16);
    callback.afterUpdate(context);
    assertThat(stageDir.resolve("plots")).as("no interval: nothing before the end").doesNotExist();
    callback.afterTraining(context);

    assertThat(stageDir.resolve("plots/loss.png")).exists();
    history.close();
  }

  @Test
  void anIntervalAlsoRendersDuringTraining() {
    MetricHistory history = new MetricHistory(stageDir.resolve(RunLayout.HISTORY_FILE));
    HistoryPlotCallback callback =
        new HistoryPlotCallback(
            new HistoryPlotCallbackConfig(null, 2L, null, null), new PngHistoryPlotter());
    RecordingTrainingContext context = RecordingTrainingContext.of(stageDir);
    callback.beforeTraining(context);

    logLoss(history, 1);
    context.at(0, 1, 8);
    callback.afterUpdate(context);
    assertThat(stageDir.resolve("plots/loss.png")).doesNotExist();
    logLoss(history, 2);
    context.at(0, 2, 16);
    callback.afterUpdate(context);

    assertThat(stageDir.resolve("plots/loss.png")).exists();
    history.close();
  }

  @Test
  void aHistoryThatCannotBePlottedDoesNotStopTraining() throws IOException {
    Files.writeString(stageDir.resolve(RunLayout.HISTORY_FILE), "not json\n{}\n");
    HistoryPlotCallback callback =
        new HistoryPlotCallback(
            new HistoryPlotCallbackConfig(null, null, null, null), new PngHistoryPlotter());

    callback.afterTraining(RecordingTrainingContext.of(stageDir));

    assertThat(stageDir.resolve("plots")).doesNotExist();
  }

  @Test
  void configTakesAtMostOneInterval() {
    assertThatThrownBy(() -> new HistoryPlotCallbackConfig(1L, null, null, 5L))
        .hasMessageContaining("every_n_epochs")
        .hasMessageContaining("every_n_minutes");
  }
}
