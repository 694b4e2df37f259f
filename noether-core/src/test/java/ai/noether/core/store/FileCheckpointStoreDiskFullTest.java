package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InsufficientSpaceException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the store writes to a 4 MiB tmpfs mounted for each test. Skipped where
 * mounting is not permitted (it needs root).
 */
class FileCheckpointStoreDiskFullTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration IT1 = new TrainingIteration(1, 10, 320);
  private static final TrainingIteration IT2 = new TrainingIteration(2, 20, 640);

  @TempDir Path base;
  private Path disk;
  private boolean mounted;
  private FileCheckpointStore store;
  private Path checkpoints;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = Files.createDirectories(base.resolve("disk"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = mount.waitFor();
    Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs here (needs root): " + output.strip());
    mounted = true;
    store = FileCheckpointStore.open(disk.resolve("output"));
    checkpoints = disk.resolve("output/run1/train/checkpoints");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      Process umount =
          new ProcessBuilder("umount", disk.toString()).redirectErrorStream(true).start();
      String output = new String(umount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(umount.waitFor()).as("umount %s: %s", disk, output).isZero();
    }
  }

  @Test
  void checkpointThatCannotFitFailsBeforeWritingAndSaysHowMuchItNeeds() throws IOException {
    commit(IT1, 300_000);
    Set<String> before = allFiles();

    assertThatThrownBy(() -> commit(IT2, 1_500_000))
        .isInstanceOfSatisfying(
            InsufficientSpaceException.class,
            e -> {
              assertThat(e.neededBytes()).isEqualTo(4_500_000);
              assertThat(e.availableBytes()).isBetween(2_000_000L, 4_500_000L);
            })
        .hasMessageMatching(
            "not enough free space for checkpoint E2_U20_S640 of run1/train: it needs 4\\.5 MB "
                + "\\(plus 262\\.1 KB for metadata\\) but only \\d\\.\\d MB are free in "
                + quote(checkpoints)
                + "\\. Nothing was written and earlier checkpoints are intact; free some space or set output_dir to a "
                + "larger disk\\.");

    assertThat(allFiles()).isEqualTo(before);
    assertLatestIsIntactAt(IT1);
  }

  @Test
  void diskFillingUpDuringACommitLeavesThePreviousCheckpointAndNoPartialFiles() throws IOException {
    commit(IT1, 300_000);
    Set<String> before = allFiles();
    Path otherJob = disk.resolve("other-job.bin");
    // The checkpoint fits when the commit starts; then another writer takes the rest of the disk
    // while the second file is being written, as a concurrent job on a shared disk would.
    List<CheckpointFile> files =
        new ArrayList<>(BytesFile.resumable("mlp", CheckpointTag.at(IT2), 600_000, 2));
    files.set(1, new AfterOtherWriter(files.get(1), () -> fill(otherJob)));

    assertThatThrownBy(
            () ->
                store.commit(
                    STAGE, CheckpointTag.at(IT2), IT2, files, Set.of(CheckpointTag.LATEST)))
        .isInstanceOfSatisfying(
            InsufficientSpaceException.class,
            e -> {
              assertThat(e.neededBytes()).isEqualTo(1_800_000);
              assertThat(e.getCause()).hasMessageContaining("No space left on device");
            })
        .hasMessageMatching(
            "the disk filled up while checkpoint E2_U20_S640 of run1/train was written to "
                + quote(checkpoints)
                + ": it needs 1\\.8 MB; \\d\\.\\d MB were free when the commit started, so something "
                + "else is using the disk too\\. Its partial files were removed and earlier checkpoints are intact; "
                + "free some space or set output_dir to a larger disk\\.");

    assertThat(allFiles()).isEqualTo(before);
    assertLatestIsIntactAt(IT1);

    Files.delete(otherJob);
    commit(IT2, 600_000);
    assertLatestIsIntactAt(IT2);
  }

  private void commit(TrainingIteration it, long fileSize) throws IOException {
    CheckpointTag tag = CheckpointTag.at(it);
    store.commit(
        STAGE,
        tag,
        it,
        List.copyOf(BytesFile.resumable("mlp", tag, fileSize, it.update())),
        Set.of(CheckpointTag.LATEST));
  }

  private void assertLatestIsIntactAt(TrainingIteration it) throws IOException {
    StoredCheckpoint latest = store.resolve(STAGE, CheckpointSelector.parse("latest"));
    assertThat(latest.iteration()).isEqualTo(it);
    store.verify(latest);
    for (StoredCheckpoint c : store.list(STAGE)) {
      store.verify(c);
    }
  }

  private Set<String> allFiles() throws IOException {
    try (Stream<Path> files = Files.walk(checkpoints)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> checkpoints.relativize(p) + " " + p.toFile().length())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Writes to {@code file} until the disk is full. */
  private static void fill(Path file) {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      assertThat(full).hasMessageContaining("No space left on device");
    }
  }

  private static String quote(Path p) {
    return java.util.regex.Pattern.quote(p.toString());
  }

  /** A file whose bytes go to disk right after another writer ran. */
  static final class AfterOtherWriter implements CheckpointFile {
    private final CheckpointFile delegate;
    private final Runnable otherWriter;

    AfterOtherWriter(CheckpointFile delegate, Runnable otherWriter) {
      this.delegate = delegate;
      this.otherWriter = otherWriter;
    }

    @Override
    public CheckpointFileName name() {
      return delegate.name();
    }

    @Override
    public long size() {
      return delegate.size();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      otherWriter.run();
      delegate.writeTo(out);
    }
  }
}
