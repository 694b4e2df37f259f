package ai.noether.callbacks.internal;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a text file so that a crash at any instant leaves either the old or the new contents:
 * written under a pending name, forced to disk, renamed over the target, and the directory synced.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the contents of a file through a writer. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(Writer out) throws IOException;
  }

  /**
   * Replaces {@code target} with what {@code contents} writes. On failure the pending file is
   * deleted and the target is left as it was.
   */
  public static void replace(Path target, Contents contents) throws IOException {
    Path dir =
        java.util.Objects.requireNonNull(
            target.toAbsolutePath().getParent(), () -> target + " is not a file");
    Files.createDirectories(dir);
    Path pending = dir.resolve("." + target.getFileName() + ".pending");
    try {
      try (FileChannel channel =
              FileChannel.open(
                  pending,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING);
          Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8)) {
        contents.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(
          pending, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(pending);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    syncDirectory(dir);
  }

  /**
   * Makes a rename in {@code dir} durable; a file system that cannot sync directories is left
   * alone.
   */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or force a directory; the rename itself is still atomic.
    }
  }
}
