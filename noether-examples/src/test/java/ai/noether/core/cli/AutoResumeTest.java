package ai.noether.core.cli;

import static ai.noether.core.cli.ResumeCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.cli.ResumeCommandTest.Result;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.store.FileCheckpointStore;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code noether train <config> --resume-if-exists} (and {@code resume_if_exists: true}): one
 * command for the first start and every requeue, and {@code noether resume} of a stage that has
 * nothing to resume yet pointing at it. The command line runs in this JVM with the real launcher,
 * minus its signal handlers.
 */
class AutoResumeTest {

  @Test
  void theSameCommandStartsFreshThenResumesFromTheNewestCheckpointAndEndsLikeAnUninterruptedRun(
      @TempDir Path dir) throws Exception {
    Path config = dir.resolve("stage.yaml");
    Files.writeString(config, ResumeCommandTest.CONFIG);
    Path runs = dir.resolve("runs");
    String[] command = {
      "train", config.toString(), "output_dir=" + runs, "run_id=job", "--resume-if-exists"
    };

    Result first = cli(dir, command);
    assertThat(first.status()).as(first.err()).isEqualTo(NoetherCli.INTERRUPTED);
    assertThat(first.out()).doesNotContain("resuming").contains("interrupted at E1_U24_S376");

    Result requeued = cli(dir, command);
    assertThat(requeued.status()).as(requeued.err()).isEqualTo(NoetherCli.OK);
    assertThat(requeued.out())
        .startsWith("resuming job/train from job/train@latest (E1_U24_S376)\n")
        .contains("run job, stage train: finished at E4_U52_S800");
    assertThat(runs.resolve("job/train/config.yaml"))
        .content()
        .contains(
            "resume_run_id: job",
            "resume_stage_name: train",
            "resume_checkpoint: latest",
            "resume_if_exists: true");
    FinalState finished = FinalState.read(runs, "job");

    Result again = cli(dir, command);
    assertThat(again.status()).as(again.err()).isEqualTo(NoetherCli.OK);
    assertThat(again.out())
        .startsWith("resuming job/train from job/train@latest (E4_U52_S800)\n")
        .contains("run job, stage train: finished at E4_U52_S800");
    assertThat(FinalState.read(runs, "job"))
        .as("a finished stage has nothing left to train")
        .isEqualTo(finished);

    // The key in the file does the same as the flag.
    Files.writeString(config, ResumeCommandTest.UNINTERRUPTED_CONFIG + "resume_if_exists: true\n");
    Result reference =
        cli(dir, "train", config.toString(), "output_dir=" + runs, "run_id=reference");
    assertThat(reference.status()).as(reference.err()).isEqualTo(NoetherCli.OK);
    assertThat(reference.out()).doesNotContain("resuming");
    assertThat(FinalState.read(runs, "job")).isEqualTo(FinalState.read(runs, "reference"));
  }

  @Test
  void withoutAFixedRunIdItIsAConfigurationErrorSayingSo(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("stage.yaml");
    Files.writeString(config, ResumeCommandTest.CONFIG);

    Result r =
        cli(
            dir,
            "train",
            config.toString(),
            "output_dir=" + dir.resolve("runs"),
            "--resume-if-exists");

    assertThat(r.status()).isEqualTo(NoetherCli.USAGE);
    assertThat(r.err())
        .startsWith(
            "command-line argument 'resume_if_exists=true': resume_if_exists: resuming if the run exists (resume_if_exists, train"
                + " --resume-if-exists) needs a fixed run_id")
        .doesNotContain("Exception");
    assertThat(dir.resolve("runs")).doesNotExist();
  }

  @Test
  void resumingAStageThatWasStoppedBeforeItsFirstFileOrCheckpointPointsAtResumeIfExists(
      @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    // Left by a start killed before config.yaml, e.g. after a first, failed save: only directories.
    Files.createDirectories(runs.resolve("early/train/checkpoints/.noether/data"));
    // Killed after config.yaml, before the first checkpoint.
    RunConfig saved =
        new RunConfigLoader(dir, () -> "unused")
            .parse(
                ResumeCommandTest.CONFIG,
                "stage.yaml",
                List.of("output_dir=" + runs, "run_id=later"));
    saved.writeResolved(saved.resolvedFile());
    Files.createDirectories(runs.resolve("later/train/checkpoints/.noether/data"));

    Result early = cli(dir, "resume", "early", "--output-dir", runs.toString());
    assertThat(early.status()).isEqualTo(NoetherCli.USAGE);
    assertThat(early.err())
        .isEqualTo(
            "run 'early' stage 'train' was stopped before it saved its configuration or any"
                + " checkpoint, so there is nothing to resume; start it with the command that started it plus"
                + " --resume-if-exists (noether train <config.yaml> run_id=early --resume-if-exists), which starts fresh while"
                + " the stage has no checkpoint and resumes from its newest one on every later start.\n");
    assertThat(
            cli(dir, "resume", "early", "--stage", "train", "--output-dir", runs.toString()).err())
        .isEqualTo(early.err());

    // A stage with checkpoints but no config.yaml (written by Noether in Python) was not stopped
    // early.
    Files.createDirectories(runs.resolve("python/train/checkpoints"));
    Files.writeString(runs.resolve("python/train/checkpoints/net_cp=latest_model.th"), "");
    assertThat(cli(dir, "resume", "python", "--output-dir", runs.toString()).err())
        .startsWith("run 'python' has no stage with a saved configuration (config.yaml) in ");

    Result later = cli(dir, "resume", "later", "--output-dir", runs.toString());
    assertThat(later.status()).isEqualTo(NoetherCli.USAGE);
    assertThat(later.err())
        .isEqualTo(
            "stage later/train has no checkpoint yet: it was stopped before its first save,"
                + " so there is nothing to resume. Start it again with the command that started it plus --resume-if-exists"
                + " (noether train <config.yaml> run_id=later --resume-if-exists), which starts fresh while the stage has no"
                + " checkpoint and resumes from its newest one on every later start; with the configuration it saved: noether"
                + " train "
                + saved.resolvedFile()
                + " --resume-if-exists.\n");

    // And that command does it.
    Result started = cli(dir, "train", saved.resolvedFile().toString(), "--resume-if-exists");
    assertThat(started.status()).as(started.err()).isEqualTo(NoetherCli.INTERRUPTED);
    assertThat(started.out())
        .doesNotContain("resuming")
        .contains("run later, stage train: interrupted at E1_U24_S376");
  }

  @Test
  void aStageWithOnlyAModelOnlyCheckpointOfAKilledStartStartsFreshAndEndsLikeAnUninterruptedRun(
      @TempDir Path dir) throws Exception {
    Path config = dir.resolve("stage.yaml");
    Files.writeString(config, ResumeCommandTest.UNINTERRUPTED_CONFIG);
    Path runs = dir.resolve("runs");
    Result reference =
        cli(dir, "train", config.toString(), "output_dir=" + runs, "run_id=reference");
    assertThat(reference.status()).as(reference.err()).isEqualTo(NoetherCli.OK);
    // A start killed after its first evaluation saved best.* (model only) but before its first
    // periodic checkpoint: nothing in the stage can be resumed.
    FileCheckpointStore store = FileCheckpointStore.open(runs);
    StoredCheckpoint best =
        store.resolve(
            new StageId("reference", "train"), CheckpointSelector.parse("best.loss~valid~total"));
    List<CheckpointFile> files = new ArrayList<>();
    for (StoredFile f : best.files()) {
      byte[] bytes;
      try (FileChannel channel = store.open(best, f)) {
        bytes = Channels.newInputStream(channel).readAllBytes();
      }
      files.add(new CopiedFile(f.name(), bytes));
    }
    StageId job = new StageId("job", "train");
    store.commit(job, best.tag(), best.iteration(), files, Set.of());

    Result started =
        cli(
            dir,
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=job",
            "--resume-if-exists");

    assertThat(started.status()).as(started.err()).isEqualTo(NoetherCli.OK);
    assertThat(started.out())
        .doesNotContain("resuming")
        .contains("run job, stage train: finished at E4_U52_S800");
    assertThat(FinalState.read(runs, "job")).isEqualTo(FinalState.read(runs, "reference"));
  }

  /** A file of a checkpoint, copied into memory. */
  private record CopiedFile(CheckpointFileName name, byte[] bytes) implements CheckpointFile {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void writeTo(java.nio.channels.WritableByteChannel out) throws java.io.IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    }
  }
}
