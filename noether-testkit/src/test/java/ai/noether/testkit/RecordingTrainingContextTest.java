package ai.noether.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RecordingTrainingContextTest {
  @Test
  void theTestMovesTheCountersAndTheContextAnswersWhatTheBuilderSet() {
    RecordingTrainingContext context =
        RecordingTrainingContext.builder()
            .workDir(Path.of("/data/runs/run1/train"))
            .models(new TestModel("mlp"))
            .totalUpdates(40)
            .learningRate(0.5)
            .validation(c -> Map.of("loss/valid", 1.5))
            .build();
    assertThat(context.iteration()).isEqualTo(TrainingIteration.ZERO);
    context.nextUpdate(32).nextUpdate(32).nextEpoch();
    assertThat(context.iteration()).isEqualTo(new TrainingIteration(1, 2, 64));
    assertThat(context.at(3, 30, 960).iteration()).isEqualTo(new TrainingIteration(3, 30, 960));
    assertThat(context.stage()).isEqualTo(RecordingTrainingContext.STAGE);
    assertThat(context.workDir()).isEqualTo(Path.of("/data/runs/run1/train"));
    assertThat(context.outputLocation()).isEqualTo("/data/runs");
    assertThat(context.models()).containsOnlyKeys("mlp");
    assertThat(context.totalUpdates()).isEqualTo(40);
    assertThat(context.learningRate()).isEqualTo(0.5);
    assertThat(context.evaluateValidation()).containsEntry("loss/valid", 1.5);
  }

  @Test
  void loggedMetricsAreRecordedAndPassedToTheListenersAsTheTrainerDoes() {
    List<Map<String, Double>> seen = new ArrayList<>();
    Callback listener =
        new Callback() {
          @Override
          public void onMetricsLogged(TrainingContext context, Map<String, Double> metrics) {
            seen.add(metrics);
          }
        };
    RecordingTrainingContext context =
        RecordingTrainingContext.builder().listener(listener).build();
    context.logMetric("throughput/samples_per_second", 1.5);
    context.log(Map.of("loss/valid/total", 0.25));
    assertThat(context.loggedLines())
        .containsExactly("throughput/samples_per_second=1.5", "loss/valid/total=0.25");
    assertThat(context.loggedValues())
        .containsExactly(
            Map.of("throughput/samples_per_second", 1.5), Map.of("loss/valid/total", 0.25));
    assertThat(context.metrics()).containsEntry("loss/valid/total", 0.25).hasSize(2);
    assertThat(seen)
        .containsExactly(
            Map.of("throughput/samples_per_second", 1.5), Map.of("loss/valid/total", 0.25));
  }

  @Test
  void stopsAndInterruptsAreRecordedInOrderAndTheFirstOneDecides() {
    RecordingTrainingContext context = RecordingTrainingContext.builder().build();
    assertThat(context.stopRequested()).isFalse();
    context.requestInterrupt("time budget spent");
    context.requestStop("patience ran out");
    assertThat(context.stopRequested()).isTrue();
    assertThat(context.stopReason()).isEqualTo("time budget spent");
    assertThat(context.interrupted()).isTrue();
    assertThat(context.stopReasons())
        .containsExactly("interrupt: time budget spent", "patience ran out");

    RecordingTrainingContext elsewhere = RecordingTrainingContext.builder().build().stopElsewhere();
    assertThat(elsewhere.stopRequested()).isTrue();
    assertThat(elsewhere.stopReason()).isNull();
  }

  @Test
  void savesCompleteAtOnceByDefaultAndDeletesRemoveTheirTag() throws Exception {
    RecordingTrainingContext context = RecordingTrainingContext.builder().build().at(1, 10, 320);
    StoredCheckpoint saved = context.checkpoints().saveResumable(true, true).get();
    assertThat(saved.tag()).isEqualTo(CheckpointTag.at(new TrainingIteration(1, 10, 320)));
    context.checkpoints().saveModels(CheckpointTag.best("loss"), List.of());
    context.checkpoints().delete(saved.tag());
    RecordingCheckpointWriter writer = context.writer();
    assertThat(writer.requests()).containsExactly("optim+latest");
    assertThat(writer.resumableSaves()).containsExactly(new TrainingIteration(1, 10, 320));
    assertThat(writer.modelSaveOrder()).containsExactly(CheckpointTag.best("loss"));
    assertThat(writer.deletes()).containsExactly(saved.tag());
    assertThat(writer.onDisk()).containsExactly(CheckpointTag.best("loss"));
  }

  @Test
  void heldSavesWaitForTheTestAndAFailedOneFailsLikeAFullDisk() {
    RecordingTrainingContext context =
        RecordingTrainingContext.builder().holdSaves().build().at(0, 5, 40);
    CompletableFuture<StoredCheckpoint> first = context.checkpoints().saveResumable(false, false);
    context.nextUpdate(8);
    CompletableFuture<StoredCheckpoint> second = context.checkpoints().saveResumable(true, false);
    assertThat(first).isNotDone();
    assertThat(context.writer().pendingSaves()).isEqualTo(2);
    context.writer().completeOldest();
    assertThat(first.join().iteration())
        .as("committed at the iteration it was asked at")
        .isEqualTo(new TrainingIteration(0, 5, 40));
    context.writer().failAll();
    assertThatThrownBy(second::get)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("No space left on device");
    assertThat(context.writer().requests()).containsExactly("no-optim", "optim");
    assertThat(context.writer().onDisk())
        .containsExactly(CheckpointTag.at(new TrainingIteration(0, 5, 40)));
    assertThatThrownBy(() -> context.writer().completeOldest())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no save is pending");
  }
}
