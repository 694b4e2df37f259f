package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Prints what the store's guarantees cost: the time to commit a checkpoint (three files, moving
 * {@code latest}) next to writing the same bytes plainly with fsync, and next to the usual
 * single-file atomic save (pending name, fsync, rename, directory fsync), on the same disk.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -B -q -ntp -pl noether-core -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp noether-core/target/test-classes:noether-core/target/classes:$(cat noether-core/target/cp.txt) \
 *     ai.noether.core.store.FileCheckpointStoreBenchmark /var/tmp/noether-bench 300 5
 * </pre>
 *
 * Arguments: a scratch directory on the disk to measure, the checkpoint size in MB, repetitions.
 */
public final class FileCheckpointStoreBenchmark {
  private FileCheckpointStoreBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "/var/tmp/noether-bench");
    long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 300;
    int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Files.createDirectories(dir);
    List<ByteBuffer> contents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      contents.add(randomBytes(Math.toIntExact(megabytes * 1_000_000 / 3), i));
    }
    long total = contents.stream().mapToLong(ByteBuffer::remaining).sum();
    FileCheckpointStore store = FileCheckpointStore.open(dir.resolve("store"));
    StageId stage = new StageId("bench", "train");

    double[] plain = new double[repetitions];
    double[] atomic = new double[repetitions];
    double[] committed = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      settle();
      plain[r] = time(() -> writePlain(dir.resolve("plain"), contents, false));
      settle();
      atomic[r] = time(() -> writePlain(dir.resolve("atomic"), contents, true));
      settle();
      TrainingIteration it = new TrainingIteration(r, r + 1, 32L * (r + 1));
      CheckpointTag tag = CheckpointTag.at(it);
      List<CheckpointFile> files = new ArrayList<>();
      for (CheckpointFileKind kind : CheckpointFileKind.values()) {
        files.add(
            new BufferFile(
                CheckpointFileName.of("bench", tag, kind), contents.get(kind.ordinal())));
      }
      committed[r] = time(() -> store.commit(stage, tag, it, files, Set.of(CheckpointTag.LATEST)));
      if (r > 0) {
        TrainingIteration previous = new TrainingIteration(r - 1, r, 32L * r);
        store.delete(stage, CheckpointTag.at(previous));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "checkpoint of %.0f MB in 3 files, %d repetitions, median times on %s%n",
        total / 1e6,
        repetitions,
        Files.getFileStore(dir));
    print("plain write + fsync (not atomic)", plain, total, plain);
    print("pending name + fsync + rename", atomic, total, plain);
    print("FileCheckpointStore.commit + latest", committed, total, plain);
  }

  /**
   * Lets the file system finish earlier work (freeing deleted blocks, writeback) before a
   * measurement.
   */
  private static void settle() throws IOException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private interface Action {
    void run() throws IOException;
  }

  private static double time(Action action) throws IOException {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static void print(String what, double[] seconds, long bytes, double[] baseline) {
    double median = median(seconds);
    System.out.printf(
        Locale.ROOT,
        "  %-38s %7.3f s  %8.1f MB/s  %5.2fx%n",
        what,
        median,
        bytes / 1e6 / median,
        median / median(baseline));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void writePlain(Path dir, List<ByteBuffer> contents, boolean atomic)
      throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < contents.size(); i++) {
      Path target = dir.resolve("file" + i + ".th");
      Path written = atomic ? dir.resolve(".file" + i + ".th.tmp") : target;
      try (FileChannel out =
          FileChannel.open(
              written,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = contents.get(i).duplicate();
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      if (atomic) {
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private static ByteBuffer randomBytes(int size, long seed) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(size);
    SplittableRandom random = new SplittableRandom(seed);
    while (buffer.remaining() >= 8) {
      buffer.putLong(random.nextLong());
    }
    while (buffer.hasRemaining()) {
      buffer.put((byte) random.nextInt());
    }
    return buffer.flip();
  }

  /** A checkpoint file whose bytes are already in memory. */
  private record BufferFile(CheckpointFileName name, ByteBuffer content) implements CheckpointFile {
    @Override
    public long size() {
      return content.remaining();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
      ByteBuffer buffer = content.duplicate();
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    }
  }
}
