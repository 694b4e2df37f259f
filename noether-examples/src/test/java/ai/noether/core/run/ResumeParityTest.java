package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.run.StageRuns.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact resume in one process: a stage interrupted in the middle of an epoch, then built anew from
 * its configuration and checkpoint (registry, store, data, model, optimizer, schedule, step,
 * callbacks, trainer) and trained on, ends with the same weights, optimizer state, trainer state
 * and metric history, bit for bit, as the same stage trained without interruption. The model uses
 * dropout, so the per-update seeds must continue too.
 */
class ResumeParityTest {
  /** 200 samples in batches of 16: 13 updates per epoch, the last one of 8 samples; 52 in all. */
  static final String STAGE = """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 200, valid_samples: 48, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [24, 24], output_size: 1, activation: gelu, dropout: 0.2}
      optimizer: %s
      trainer:
        max_epochs: 4
        batch_size: 16
        loss: mse
        eval_every_n_updates: 10
        log_every_n_updates: 7
      """;
  /** Update 24 is batch 11 of epoch 1, with a partly filled logging window and no evaluation. */
  static final long K = 24;
  static final TrainingIteration AT_K = new TrainingIteration(1, 24, 24 * 16 - 8);

  @TempDir Path dir;

  static String stage(String optimizer) {
    String block = switch (optimizer) {
      // A schedule with state (reduce-on-plateau), so that its state must come back too.
      case "sgd" -> "{kind: sgd, lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1.0e-4,"
          + " schedule: {kind: reduce-on-plateau, patience: 1, factor: 0.5, threshold: 0.2}}";
      case "adam" -> "{kind: adam, lr: 3.0e-3, schedule: {kind: warmup-cosine, warmup_updates: 8}}";
      case "adamw" -> "{kind: adamw, lr: 3.0e-3, weight_decay: 0.05, no_weight_decay: ['*.bias'],"
          + " clip_grad_norm: 1.0, schedule: {kind: warmup-cosine, warmup_updates: 8}}";
      default -> throw new IllegalArgumentException(optimizer);
    };
    return STAGE.formatted(block);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sgd", "adam", "adamw"})
  void aStageInterruptedMidEpochAndResumedFromItsEmergencyCheckpointEndsBitIdentical(String optimizer) throws Exception {
    String yaml = stage(optimizer);
    String out = "output_dir=" + dir;
    Outcome uninterrupted = StageRuns.train(yaml, out, "run_id=full");

    Outcome interrupted = StageRuns.train(yaml, out, "run_id=cut", "trainer.callbacks=[{kind: test-interrupt, at_update: " + K + "}]");
    assertThat(interrupted.result().interrupted()).isTrue();
    assertThat(interrupted.result().finalCheckpoint().tag()).isEqualTo(CheckpointTag.emergency(AT_K, "signal"));
    Outcome resumed = StageRuns.train(yaml, out, "run_id=cut", "resume_run_id=cut", "resume_stage_name=train");

    assertThat(resumed.result().iteration()).isEqualTo(uninterrupted.result().iteration());
    assertThat(resumed.weights()).isEqualTo(uninterrupted.weights());
    assertThat(resumed.optimizer()).isEqualTo(uninterrupted.optimizer());
    assertThat(resumed.trainer()).isEqualTo(uninterrupted.trainer());
    assertThat(resumed.history()).isEqualTo(uninterrupted.history());
    assertThat(resumed.history()).hasSizeGreaterThan(10);
  }
}
