package ai.noether.store.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What the S3 benchmarks share: the store settings they measure, the random file they move, the 1
 * MiB copy a checkpoint file makes into its channel, medians and the clean-up.
 */
public final class S3BenchmarkSupport {
  private S3BenchmarkSupport() {}

  /** Path-style, 16 MiB parts, 4 in flight, 3 attempts, emulated conditional writes. */
  public static S3StoreConfig config(String endpoint) {
    return new S3StoreConfig(
        endpoint, "us-east-1", true, 16, 4, 3, S3StoreConfig.ConditionalWrites.EMULATED);
  }

  /** Writes {@code size} random bytes (seed 42) to a new file. */
  public static void writeRandomFile(Path file, long size) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < size; written += buffer.capacity()) {
        buffer.clear();
        while (buffer.remaining() >= 8) {
          buffer.putLong(random.nextLong());
        }
        buffer.flip().limit((int) Math.min(buffer.capacity(), size - written));
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
    }
  }

  /** Writes the file the way a checkpoint writes itself: 1 MiB at a time into the channel. */
  public static void copyFile(Path source, WritableByteChannel channel) throws IOException {
    try (FileChannel in = FileChannel.open(source)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (in.read(buffer.clear()) > 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    }
  }

  /** The upper median of the rounds. */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Deletes the directory and everything in it, as far as it can. */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
