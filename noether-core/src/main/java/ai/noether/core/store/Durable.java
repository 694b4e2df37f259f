package ai.noether.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The file-system primitives a commit is built from. With {@code fsync} off every force is skipped:
 * commits stay atomic for process crashes but may be lost on power failure.
 */
final class Durable {
  private final boolean fsync;

  Durable(boolean fsync) {
    this.fsync = fsync;
  }

  boolean fsync() {
    return fsync;
  }

  /** Forces a file's data and metadata (its size) to the device. */
  void force(FileChannel channel) throws IOException {
    if (fsync) {
      channel.force(true);
    }
  }

  /**
   * Forces a directory's entries to the device. A rename or a new file is durable only once its
   * directory is synced: without it, a power failure can bring back the old name, or lose the new
   * one, even though the file's own data was forced.
   */
  void syncDirectory(Path dir) throws IOException {
    if (fsync) {
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }

  /** Writes {@code bytes} to a new file and forces it. */
  void writeNew(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      force(channel);
    }
  }

  /**
   * Renames {@code from} to {@code to} in one step, replacing {@code to} if it exists (rename(2)).
   */
  static void replace(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Creates {@code dir} and its missing parents, syncing each parent after a child was created so
   * that the new directory survives a power failure.
   */
  void createDirectories(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
        continue; // another writer created it first
      }
      Path parent = p.getParent();
      if (parent != null) { // a file system root has no directory above it to sync
        syncDirectory(parent);
      }
    }
  }

  /**
   * Deletes every path that exists, attaching each failure to {@code primary} as suppressed, so
   * that the error that made the cleanup necessary stays the one reported.
   */
  static void deleteAll(Collection<Path> paths, Throwable primary) {
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException | RuntimeException e) {
        primary.addSuppressed(e);
      }
    }
  }

  /** True if {@code t} or one of its causes reports a full disk or an exhausted quota. */
  static boolean isNoSpace(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String message =
          c instanceof FileSystemException fse && fse.getReason() != null
              ? fse.getReason()
              : c.getMessage();
      if (message != null
          && (message.contains("No space left on device")
              || message.contains("Disk quota exceeded"))) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
