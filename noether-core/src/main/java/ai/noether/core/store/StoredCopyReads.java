package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file store's reads: a file of a committed checkpoint is opened through the stored copy its
 * tag's current manifest lists (never through the Noether name, which a writer may be switching),
 * and its size and CRC32C are checked against what was committed before anyone uses a byte. Files
 * listed without a manifest (written by Noether in Python) are opened by their names and only their
 * size is checked.
 */
final class StoredCopyReads {
  private static final int OPEN_ATTEMPTS = 3;

  private StoredCopyReads() {}

  /** Opens {@code file} with its size and CRC32C checked. */
  static FileChannel open(StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    CommittedFiles.requireMember(checkpoint, file);
    if (!file.hasChecksum()) {
      return openExisting(dir, checkpoint, dir.view(file.name()));
    }
    return checked(
        openStoredCopy(dir, checkpoint, file),
        c -> requireCommittedContent(dir, checkpoint, file, c));
  }

  /** Opens {@code file} with only its size checked; the caller checks the CRC32C. */
  static FileChannel openSizeChecked(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    CommittedFiles.requireMember(checkpoint, file);
    return checked(
        openUnchecked(dir, checkpoint, file), c -> requireCommittedSize(dir, checkpoint, file, c));
  }

  /** Reads every file of the checkpoint and checks its size and CRC32C. */
  static void verify(StageDirectory dir, StoredCheckpoint checkpoint) throws IOException {
    for (StoredFile file : checkpoint.files()) {
      try (FileChannel channel = openUnchecked(dir, checkpoint, file)) {
        requireCommittedContent(dir, checkpoint, file, channel);
      }
    }
  }

  private static FileChannel openUnchecked(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    return file.hasChecksum()
        ? openStoredCopy(dir, checkpoint, file)
        : openExisting(dir, checkpoint, dir.view(file.name()));
  }

  private interface ChannelCheck {
    void check(FileChannel channel) throws IOException;
  }

  /** The channel once {@code check} accepted it; closed when it did not. */
  private static FileChannel checked(FileChannel channel, ChannelCheck check) throws IOException {
    try {
      check.check(channel);
      return channel;
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static FileChannel openStoredCopy(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    Path previous = null;
    for (int attempt = 1; ; attempt++) {
      Path blob = storedCopy(dir, checkpoint, file);
      try {
        return FileChannel.open(blob, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        if (blob.equals(previous)) {
          // The manifest still lists it: not a writer moving on, a stored copy that is gone.
          throw new CorruptCheckpointException(
              "file "
                  + dir.view(file.name())
                  + " of checkpoint "
                  + checkpoint.describe()
                  + " cannot be read: its manifest "
                  + dir.manifest(checkpoint.tag())
                  + " lists the stored copy "
                  + blob
                  + ", which does not exist (the manifest was damaged, or the file was deleted by hand)");
        }
        // A writer replaced the tag and deleted its old copy after we read the manifest: look
        // again.
        previous = blob;
        if (attempt == OPEN_ATTEMPTS) {
          throw new CheckpointNotFoundException(
              "checkpoint "
                  + checkpoint.describe()
                  + " of "
                  + dir.stage()
                  + " keeps changing while it is opened; resolve it again");
        }
      }
    }
  }

  /** The stored copy of {@code file} as the tag's current manifest records it. */
  private static Path storedCopy(StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    CheckpointManifest manifest;
    try {
      manifest = CheckpointManifest.read(dir.manifest(checkpoint.tag()), checkpoint.tag());
    } catch (NoSuchFileException e) {
      throw CommittedFiles.deletedAfterResolved(checkpoint);
    }
    return dir.blob(CommittedFiles.currentEntry(manifest, checkpoint, file).blob());
  }

  private static FileChannel openExisting(
      StageDirectory dir, StoredCheckpoint checkpoint, Path path) throws IOException {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointNotFoundException(
          "file "
              + path.getFileName()
              + " of checkpoint "
              + checkpoint.describe()
              + " no longer exists in "
              + dir.checkpoints()
              + "; it was deleted after the checkpoint was listed");
    }
  }

  /**
   * Checks the size and CRC32C of an opened file against what was committed: every read verifies
   * the bytes, not only a verification. The pass reads from the page cache that the read which
   * follows needs anyway.
   */
  static void requireCommittedContent(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, FileChannel channel)
      throws IOException {
    long size = requireCommittedSize(dir, checkpoint, file, channel);
    if (file.hasChecksum()) {
      requireCommittedCrc(dir, checkpoint, file, Crc32c.of(channel, size));
    }
  }

  private static long requireCommittedSize(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, FileChannel channel)
      throws IOException {
    long size = channel.size();
    if (size != file.size()) {
      throw new CorruptCheckpointException(
          describe(dir, checkpoint, file)
              + " is "
              + (size < file.size() ? "truncated" : "longer than committed")
              + ": it has "
              + size
              + " bytes, "
              + file.size()
              + " were "
              + (file.hasChecksum() ? "committed" : "listed"));
    }
    return size;
  }

  static void requireCommittedCrc(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, long crc) {
    if (crc != file.crc32c()) {
      throw new CorruptCheckpointException(
          describe(dir, checkpoint, file)
              + " is corrupt: its CRC32C is "
              + String.format("%08x", crc)
              + " but "
              + String.format("%08x", file.crc32c())
              + " was recorded when it was committed");
    }
  }

  private static String describe(StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file) {
    return "file " + dir.view(file.name()) + " of checkpoint " + checkpoint.describe();
  }
}
