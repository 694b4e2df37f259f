package ai.noether.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.state.Stateful;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyRunTest {
  @TempDir Path dir;

  /** Counts updates, logs the count after every epoch, and keeps the count in its state. */
  static final class CountingCallback implements Callback, Stateful {
    long updates;

    @Override
    public void afterUpdate(TrainingContext context) {
      updates++;
    }

    @Override
    public void afterEpoch(TrainingContext context) {
      context.logMetric("count/updates", updates);
    }

    @Override
    public Map<String, Object> state() {
      return Map.of("updates", updates);
    }

    @Override
    public void loadState(Map<String, Object> state) {
      updates = (Long) state.get("updates");
    }
  }

  @Test
  void aTinyRunTrainsThroughTheRealTrainerAndLeavesAStageOnDisk() {
    TinyRun.Result run =
        run(TinyRun.in(dir).epochs(2).callback("counting", new CountingCallback()));
    assertThat(run.result().iteration()).isEqualTo(new TrainingIteration(2, 8, 64));
    assertThat(run.stageDir()).isEqualTo(dir.resolve("run1/train"));
    assertThat(run.history().series("count/updates"))
        .extracting(p -> p.value())
        .containsExactly(4.0, 8.0);
    assertThat(run.history().series("loss/valid/total")).hasSize(2);
    assertThat(run.history().series("loss/valid/total").get(1).value())
        .as("it learns")
        .isLessThan(run.history().series("loss/valid/total").get(0).value());
    assertThat(run.checkpointFiles())
        .contains("mlp_cp=last_model.th", "mlp_cp=last_optim.th", "mlp_cp=last_trainer.th");
    Map<?, ?> callbacks =
        (Map<?, ?>)
            run.read(CheckpointTag.LAST, CheckpointFileKind.TRAINER).get(CheckpointKeys.CALLBACKS);
    assertThat(callbacks.get("counting")).isEqualTo(Map.of("updates", 8L));
  }

  @Test
  void anInterruptedRunResumedFromLatestEndsBitForBitWhereAStraightRunEnds() {
    TinyRun.Result straight =
        run(
            TinyRun.in(dir.resolve("straight"))
                .epochs(3)
                .callback("counting", CountingCallback::new));
    TinyRun.Builder resumed =
        TinyRun.in(dir.resolve("resumed")).epochs(3).callback("counting", CountingCallback::new);
    TinyRun.Result interrupted = run(resumed.interruptAfterUpdate(5));
    assertThat(interrupted.result().interrupted()).isTrue();
    assertThat(interrupted.result().iteration().update()).isEqualTo(5);

    TinyRun.Result end =
        run(
            TinyRun.in(dir.resolve("resumed"))
                .epochs(3)
                .callback("counting", CountingCallback::new)
                .resumeFrom(CheckpointTag.LATEST));
    assertThat(end.result().iteration()).isEqualTo(straight.result().iteration());
    assertThat(end.model().tensor("linear.weight").floatValues())
        .isEqualTo(straight.model().tensor("linear.weight").floatValues());
    assertThat(end.history().series("count/updates"))
        .extracting(p -> p.value())
        .containsExactly(4.0, 8.0, 12.0);
  }

  private static TinyRun.Result run(TinyRun.Builder builder) {
    try {
      return builder.run();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
