package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.run.StageRuns.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact resume in one process: a stage stopped in the middle of an epoch, then built anew from its
 * configuration and checkpoint (registry, store, data, model, optimizer, schedule, step, callbacks,
 * trainer) and trained on, ends with the same weights, EMA weights, optimizer and schedule state,
 * callback states (periodic checkpoints, EMA, best checkpoint, early stopping), metrics and metric
 * history, bit for bit, as the same stage trained without a break. The model uses dropout, so the
 * per-update seeds must continue too. Each optimizer is tried, with a stateful schedule for SGD.
 */
class ResumeParityTest {
  /** 200 samples in batches of 16: 13 updates per epoch, the last one of 8 samples; 52 in all. */
  static final String STAGE =
      """
      seed: 5
      store: {kind: file, fsync: false}
      dataset: {kind: synthetic-regression, train_samples: 200, valid_samples: 48, input_size: 6, noise: 0.05, data_seed: 3}
      model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [24, 24], output_size: 1, activation: gelu, dropout: 0.2}
      optimizer: %s
      trainer:
        max_epochs: 4
        batch_size: 16
        loss: mse
        eval_every_n_updates: 5
        log_every_n_updates: 7
        callbacks:
          - {kind: checkpoint, every_n_updates: 8, keep_last: 2}
          - {kind: ema, target_factors: [0.9, 0.99], evaluate: true}
          - {kind: best-checkpoint, metric_key: loss/valid/total, tolerances: [2]}
          - {kind: early-stopping, metric_key: loss/valid/total/ema=0.99, patience: 100}
      """;

  /** Appends a callback that interrupts the run after update 33, as a preemption would. */
  static final String INTERRUPT = "trainer.callbacks[4]={kind: test-interrupt, at_update: 33}";

  /** Update 33 is batch 7 of epoch 2, between evaluations, with a partly filled logging window. */
  static final TrainingIteration AT_33 = new TrainingIteration(2, 33, 400 + 7 * 16);

  /** The periodic checkpoint at update 24, batch 11 of epoch 1. */
  static final TrainingIteration AT_24 = new TrainingIteration(1, 24, 200 + 11 * 16);

  @TempDir Path dir;

  static String stage(String optimizer) {
    String block =
        switch (optimizer) {
          // A schedule with state (reduce-on-plateau), so that its state must come back too.
          case "sgd" ->
              "{kind: sgd, lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1.0e-4,"
                  + " schedule: {kind: reduce-on-plateau, patience: 1, factor: 0.5, threshold: 0.2}}";
          case "adam" ->
              "{kind: adam, lr: 3.0e-3, schedule: {kind: warmup-cosine, warmup_updates: 8}}";
          case "adamw" ->
              "{kind: adamw, lr: 3.0e-3, weight_decay: 0.05, no_weight_decay: ['*.bias'],"
                  + " clip_grad_norm: 1.0, schedule: {kind: warmup-cosine, warmup_updates: 8}}";
          default -> throw new IllegalArgumentException(optimizer);
        };
    return STAGE.formatted(block);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sgd", "adam", "adamw"})
  void aStageStoppedMidEpochAndResumedFromItsEmergencyCheckpointEndsBitIdentical(String optimizer)
      throws Exception {
    String yaml = stage(optimizer);
    String out = "output_dir=" + dir;
    Outcome uninterrupted = StageRuns.train(yaml, out, "run_id=full");

    Outcome interrupted = StageRuns.train(yaml, out, "run_id=cut", INTERRUPT);
    assertThat(interrupted.result().interrupted()).isTrue();
    assertThat(interrupted.result().finalCheckpoint().tag())
        .isEqualTo(CheckpointTag.emergency(AT_33, "interrupt"));
    Outcome resumed =
        StageRuns.train(yaml, out, "run_id=cut", "resume_run_id=cut", "resume_stage_name=train");

    assertThat(resumed.checkpoint().stored().iteration())
        .isEqualTo(new TrainingIteration(4, 52, 800));
    assertSameEnd(resumed, uninterrupted);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sgd", "adam", "adamw"})
  void aNewRunResumedFromAPeriodicCheckpointOfAFinishedRunEndsBitIdentical(String optimizer)
      throws Exception {
    String yaml = stage(optimizer);
    String out = "output_dir=" + dir;
    String keepAll = "trainer.callbacks[0].keep_last=";
    Outcome full = StageRuns.train(yaml, out, "run_id=full", keepAll);

    Outcome resumed =
        StageRuns.train(
            yaml, out, "run_id=branch", "resume_run_id=full", "resume_checkpoint=U24", keepAll);

    assertSameEnd(resumed, full);
    List<String> historyLines =
        Files.readAllLines(dir.resolve("branch/train").resolve(RunLayout.HISTORY_FILE));
    assertThat(historyLines)
        .as("the new run's history file starts with the history up to U24, then the resume")
        .filteredOn(line -> line.contains("\"event\":\"resume\""))
        .containsExactly(
            "{\"event\":\"resume\",\"epoch\":1,\"update\":24,\"sample\":376,"
                + "\"source\":\"full/train@"
                + AT_24
                + "\"}");
  }

  static void assertSameEnd(Outcome resumed, Outcome uninterrupted) {
    StageRuns.assertSameEnd(resumed, uninterrupted);
    assertThat(resumed.trainer())
        .as("the callbacks keep state")
        .containsKeys(
            "callbacks.ema.steps", "callbacks.early-stopping/loss/valid/total/ema=0.99.best",
            "callbacks.best-checkpoint/loss/valid/total.best",
                "callbacks.checkpoint/every_n_updates=8.kept[0]");
    assertThat(resumed.history()).hasSizeGreaterThan(20);
  }
}
