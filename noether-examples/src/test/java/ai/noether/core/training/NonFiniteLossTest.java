package ai.noether.core.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.cli.NoetherCli;
import ai.noether.core.cli.TrainingLauncher;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.run.StateTrees;
import ai.noether.core.store.FileCheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN loss with {@code non_finite_loss: error} (the default) through the command line: training
 * stops before the update is applied, writes an emergency {@code .error} checkpoint of the last
 * good state, and says where it is and how to resume. Once the data are repaired, resuming from
 * that checkpoint ends exactly where a run on sound data from the start ends.
 */
class NonFiniteLossTest {
  static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  static final long SEED = 5;
  static final int BATCH = 16;

  /** The bad sample is the fourth of the seventh batch of epoch 0: update 7 meets it first. */
  static final int FLAWED_SAMPLE = (int) new DataOrder(SEED, 200).batch(0, 6, BATCH)[3];

  @TempDir Path dir;

  String config(Path flawFile) {
    return """
        seed: %d
        store: {kind: file, fsync: false}
        dataset:
          kind: test-flawed-regression
          train_samples: 200
          valid_samples: 48
          input_size: 6
          noise: 0.05
          data_seed: 3
          flawed_sample: %d
          flaw_file: '%s'
        model: {name: net, kind: mlp, input_size: 6, hidden_sizes: [24, 24], output_size: 1, activation: gelu, dropout: 0.2}
        optimizer: {kind: adamw, lr: 3.0e-3, schedule: {kind: warmup-cosine, warmup_updates: 8}}
        trainer: {max_epochs: 2, batch_size: %d, loss: mse, eval_every_n_updates: 10, log_every_n_updates: 4}
        """
        .formatted(SEED, FLAWED_SAMPLE, flawFile, BATCH);
  }

  record Result(int status, String out, String err) {}

  Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new NoetherCli(() -> REGISTRY, TrainingLauncher.withoutSignalHandlers(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void aNanLossWritesAnErrorCheckpointOfTheLastGoodStateFromWhichTheRepairedRunResumesExactly()
      throws Exception {
    Path runs = dir.resolve("runs");
    Path flaw = dir.resolve("bad-row");
    Path config = dir.resolve("stage.yaml");
    Files.writeString(config, config(flaw));
    assertThat(cli("train", config.toString(), "output_dir=" + runs, "run_id=sound").status)
        .isEqualTo(NoetherCli.OK);

    Files.writeString(flaw, "the target of one sample is NaN while this file exists");
    Result failed = cli("train", config.toString(), "output_dir=" + runs, "run_id=flawed");

    assertThat(failed.status).isEqualTo(NoetherCli.FAILURE);
    assertThat(failed.err)
        .isEqualTo(
            """
        training flawed/train failed at E0_U6_S96: the loss of update 7 is NaN; the update was not applied \
        (set trainer.non_finite_loss: ignore to train on regardless)
        Wrote emergency checkpoint E0_U6_S96.error of the last good state; resume with: \
        ./noether resume flawed --stage train --output-dir %s --checkpoint E0_U6_S96.error
        """
                .formatted(runs));
    FileCheckpointStore store = FileCheckpointStore.open(runs);
    StageId flawed = new StageId("flawed", "train");
    assertThat(store.list(flawed))
        .extracting(StoredCheckpoint::describe)
        .containsExactly("E0_U6_S96.error", "latest @ E0_U6_S96");

    Files.delete(flaw);
    Result resumed =
        cli("resume", "flawed", "--output-dir", runs.toString(), "--checkpoint", "E0_U6_S96.error");

    assertThat(resumed.status).as(resumed.err).isEqualTo(NoetherCli.OK);
    LoadedCheckpoint sound = last(store, new StageId("sound", "train"));
    LoadedCheckpoint repaired = last(store, flawed);
    assertThat(repaired.stored().iteration()).isEqualTo(sound.stored().iteration());
    assertThat(StateTrees.fingerprint(repaired.stateDict()))
        .isEqualTo(StateTrees.fingerprint(sound.stateDict()));
    assertThat(StateTrees.fingerprint(repaired.optimizer()))
        .isEqualTo(StateTrees.fingerprint(sound.optimizer()));
  }

  private static LoadedCheckpoint last(FileCheckpointStore store, StageId stage) throws Exception {
    return CheckpointReader.forResume(
        store, store.resolve(stage, CheckpointSelector.parse("last")), "net");
  }
}
