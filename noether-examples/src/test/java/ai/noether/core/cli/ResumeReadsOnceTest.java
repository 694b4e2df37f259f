package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.noether.core.cli.ResumeCommandTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code noether resume} reads the checkpoint's bytes once: choosing the checkpoint (and falling
 * back from a damaged one) reads and verifies every file, and the load takes those reads over. It
 * used to check each file's CRC32C with {@code read()} first and then read it again to load it.
 * Linux counts the bytes a process {@code read()}s: a resume reads no more than the same
 * continuation started through the resume keys of a configuration, which loads in one pass.
 */
class ResumeReadsOnceTest {
  @TempDir Path dir;

  @Test
  void aResumeReadsTheCheckpointsBytesOnceNotOnceToChooseItAndOnceToLoadIt() throws Exception {
    assumeThat(Path.of("/proc/self/io")).as("Linux counts the bytes a process reads").exists();
    Path config = dir.resolve("stage.yaml");
    Files.writeString(config, BytesRead.MEGA_PARAMETER_STAGE);
    Path trainedRuns = dir.resolve("trained");
    Result trained =
        ResumeCommandTest.cli(
            dir, "train", config.toString(), "output_dir=" + trainedRuns, "run_id=once");
    assertThat(trained.status()).as(trained.err()).isEqualTo(NoetherCli.OK);
    long checkpoint = BytesRead.sizeOfLatest(trainedRuns.resolve("once/train/checkpoints"));
    assertThat(checkpoint).as("model and optimizer state").isGreaterThan(10L << 20);

    // The same continuation through the resume keys of a configuration, which has no choosing step
    // of its own: the load's single pass, and whatever the training and its saves read.
    Path a = copy(trainedRuns, dir.resolve("a"));
    long before = BytesRead.sofar();
    Result baseline =
        ResumeCommandTest.cli(
            dir,
            "train",
            config.toString(),
            "output_dir=" + a,
            "run_id=once",
            "resume_run_id=once",
            "trainer.max_epochs=2");
    long oneLoad = BytesRead.sofar() - before;
    assertThat(baseline.status()).as(baseline.err()).isEqualTo(NoetherCli.OK);

    Path b = copy(trainedRuns, dir.resolve("b"));
    before = BytesRead.sofar();
    Result r =
        ResumeCommandTest.cli(
            dir, "resume", "once", "--output-dir", b.toString(), "trainer.max_epochs=2");
    long resume = BytesRead.sofar() - before;

    assertThat(r.status()).as(r.err()).isEqualTo(NoetherCli.OK);
    assertThat(r.out()).contains("resuming once/train from once/train@latest");
    // With a pass of its own to choose the checkpoint, the resume read() about one checkpoint more.
    assertThat(resume - oneLoad)
        .as(
            "bytes a resume of a %d-byte checkpoint read() (%d) beyond the same continuation"
                + " through the resume keys (%d)",
            checkpoint, resume, oneLoad)
        .isLessThan(checkpoint / 4);
  }

  private static Path copy(Path from, Path to) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    return to;
  }
}
