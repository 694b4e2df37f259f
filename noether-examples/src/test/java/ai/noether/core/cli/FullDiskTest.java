package ai.noether.core.cli;

import static ai.noether.core.cli.ResumeCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.core.cli.ResumeCommandTest.Result;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up in the middle of training, for real: the run writes to an 8 MiB tmpfs, and
 * after update 10 another "job" takes all of it but 128 KB (history lines still fit, a checkpoint
 * does not). Training must stop after {@code trainer.max_failed_saves} failed saves instead of
 * training on without checkpoints, exit with status 4 saying how much space a checkpoint needs, and
 * continue once space is freed. Skipped where mounting is not permitted (it needs root).
 */
class FullDiskTest {
  /** 52 updates; a checkpoint every 2 updates. */
  static final String CONFIG =
      ResumeCommandTest.CONFIG
          .replace(
              "{kind: checkpoint, every_n_updates: 20}", "{kind: checkpoint, every_n_updates: 2}")
          .replace(
              "- {kind: test-interrupt, at_update: 24}",
              "- {kind: test-fill-disk, at_update: 10, path: FILLER,"
                  + " leave_free_bytes: 131072}");

  @TempDir Path dir;
  private Path disk;
  private boolean mounted;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = Files.createDirectories(dir.resolve("disk"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(
        mount.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + output.strip());
    mounted = true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (!mounted) {
      return;
    }
    // Checkpoints are read memory-mapped, and a mapping outlives its channel until the collector
    // frees the buffer: until then the file system is busy.
    String output = "";
    for (int attempt = 0; attempt < 10; attempt++) {
      System.gc();
      Process umount =
          new ProcessBuilder("umount", disk.toString()).redirectErrorStream(true).start();
      output = new String(umount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (umount.waitFor() == 0) {
        return;
      }
      Thread.sleep(200);
    }
    List<String> held = held();
    new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor();
    throw new AssertionError("umount " + disk + ": " + output + "; this JVM holds there: " + held);
  }

  /** What keeps the disk busy, if this JVM does: its open files and mappings there. */
  private List<String> held() throws java.io.IOException {
    List<String> held = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(disk)) {
            held.add("open " + target);
          }
        } catch (java.io.IOException gone) {
          // closed meanwhile
        }
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      if (line.contains(disk.toString())) {
        held.add("mapped " + line.substring(line.indexOf('/')));
      }
    }
    return held;
  }

  @Test
  void trainingStopsAfterThreeFailedSavesSaysHowMuchSpaceIsNeededAndContinuesOnceThereIsRoom()
      throws Exception {
    Path runs = disk.resolve("runs");
    Path filler = disk.resolve("other-job.bin");
    Path config = writeConfig(filler, 131072);

    Result full =
        cli(
            dir,
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=full",
            "trainer.log_every_n_updates=1");

    assertThat(full.status()).as(full.out() + full.err()).isEqualTo(NoetherCli.SAVES_FAILED);
    Path checkpoints = runs.resolve("full/train/checkpoints");
    assertThat(full.err())
        .matches(
            "(?s)training full/train stopped at E\\d_U1\\d_S\\d+ because the last \\d checkpoint"
                + " saves failed \\(trainer\\.max_failed_saves: 3\\); the last failure: not enough free space for checkpoint .*"
                + "\nThe emergency checkpoint could not be written either \\(not enough free space .*\\); the updates since the"
                + " newest checkpoint, E0_U8_S128, are lost\\. One checkpoint needs \\d+\\.\\d KB, and a save starts only"
                + " with 28\\d\\.\\d KB free \\(room for the store's metadata too\\); 131\\.1 KB were free: make room for at"
                + " least 28\\d\\.\\d KB \\(15\\d\\.\\d KB more than was free\\) on the disk of "
                + java.util.regex.Pattern.quote(checkpoints.toString())
                + ", better for several checkpoints, or set output_dir to"
                + " a larger disk\\. Then continue with: \\./noether resume full --stage train --output-dir "
                + java.util.regex.Pattern.quote(runs.toString())
                + "\n")
        .doesNotContain("\tat ");
    FileCheckpointStore store = FileCheckpointStore.open(runs);
    StageId stage = new StageId("full", "train");
    assertThat(store.resolve(stage, CheckpointSelector.parse("latest")).describe())
        .isEqualTo("latest @ E0_U8_S128");
    assertThat(NoetherProcess.lastUpdate(runs.resolve("full/train/history.jsonl")))
        .as(
            "it stopped within a few updates of the third failed save, instead of training to update 52")
        .isBetween(11L, 19L);

    Files.delete(filler);
    // The other job's disk filling stays in the past.
    Result resumed = resumeAfterTheDiskFilled(runs);
    assertThat(resumed.status()).as(resumed.err()).isEqualTo(NoetherCli.OK);
    assertThat(resumed.out())
        .startsWith("resuming full/train from full/train@latest (E0_U8_S128)")
        .contains("finished at E4_U52_S800");
  }

  @Test
  void aDiskWithNoRoomLeftEvenForTheHistoryStillStopsOnTheFailedSavesAndNotOnTheHistoryFile()
      throws Exception {
    Path runs = disk.resolve("runs");
    Path filler = disk.resolve("other-job.bin");
    Path config = writeConfig(filler, 0);

    // 40 failed saves, 80 updates with a history line each: far more than the last page of
    // history.jsonl holds, so its appends fail too.
    Result full =
        cli(
            dir,
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=full",
            "trainer.log_every_n_updates=1",
            "trainer.max_epochs=12",
            "trainer.max_failed_saves=40");

    assertThat(full.status()).as(full.out() + full.err()).isEqualTo(NoetherCli.SAVES_FAILED);
    assertThat(full.err())
        .startsWith("training full/train stopped at E")
        .contains("checkpoint saves failed")
        .contains("(trainer.max_failed_saves: 40)")
        .contains("make room for at least")
        .doesNotContain("history");
    assertThat(NoetherProcess.lastUpdate(runs.resolve("full/train/history.jsonl")))
        .as("the history file stopped being written when the disk was full")
        .isLessThan(80);

    Files.delete(filler);
    Result resumed = resumeAfterTheDiskFilled(runs);
    assertThat(resumed.status()).as(resumed.err()).isEqualTo(NoetherCli.OK);
    assertThat(NoetherProcess.lastUpdate(runs.resolve("full/train/history.jsonl"))).isEqualTo(156);
  }

  /** The configuration, its disk filled at update 10 by {@code filler} to {@code freeBytes}. */
  private Path writeConfig(Path filler, long freeBytes) throws IOException {
    Path config = dir.resolve("stage.yaml");
    Files.writeString(
        config,
        CONFIG
            .replace("FILLER", filler.toString())
            .replace("leave_free_bytes: 131072", "leave_free_bytes: " + freeBytes));
    return config;
  }

  /** Resumes run {@code full}, the other job's disk filling left in the past. */
  private Result resumeAfterTheDiskFilled(Path runs) {
    return cli(
        dir,
        "resume",
        "full",
        "--output-dir",
        runs.toString(),
        "trainer.callbacks[2].at_update=1000");
  }
}
