package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.core.run.StageRuns.Outcome;
import ai.noether.examples.pipeline.CnnLstmFileStage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's resume parity in one process: a {@code cnn-lstm} with batch norm, dropout and two
 * heads, gradient accumulation, prefetching and a file-backed, scaled dataset, interrupted in the
 * middle of an epoch and resumed, ends bit for bit as the same stage trained without a break:
 * weights (batch-norm statistics and {@code num_batches_tracked} included), optimizer, trainer
 * state and history.
 */
class CnnLstmFileDataResumeTest {
  @TempDir Path dir;

  @Test
  void anInterruptedAndResumedStageEqualsAnUninterruptedOneBitForBit() throws Exception {
    String yaml = CnnLstmFileStage.yaml(dir.resolve("fleet"));
    String out = "output_dir=" + dir.resolve("runs");
    Outcome uninterrupted = StageRuns.train(yaml, out, "run_id=full");
    long total = uninterrupted.result().iteration().update();
    assertThat(total).as("updates of the whole stage").isGreaterThan(8);
    long cut = total / 2 + 1;

    Outcome interrupted =
        StageRuns.train(
            yaml,
            out,
            "run_id=cut",
            "trainer.callbacks[1]={kind: test-interrupt, at_update: " + cut + "}");
    assertThat(interrupted.result().interrupted()).isTrue();
    assertThat(interrupted.result().iteration().update()).isEqualTo(cut);
    Outcome resumed =
        StageRuns.train(yaml, out, "run_id=cut", "resume_run_id=cut", "resume_stage_name=train");

    StageRuns.assertSameEnd(resumed, uninterrupted);
    assertThat(uninterrupted.weights().keySet())
        .as("batch norm buffers are part of the state")
        .anyMatch(k -> k.endsWith("running_mean"))
        .anyMatch(k -> k.endsWith("num_batches_tracked"));
    assertThat(uninterrupted.result().metrics())
        .containsKeys(
            "loss/train/rul", "loss/train/health", "rmse/valid/rul", "accuracy/valid/health");
  }
}
