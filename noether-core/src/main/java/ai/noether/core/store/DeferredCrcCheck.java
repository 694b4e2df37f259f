package ai.noether.core.store;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A file opened by {@link FileCheckpointStore#openDeferred}: its size checked, its CRC32C still to
 * check by the reader, which computes it in the same pass as its own reading.
 */
public final class DeferredCrcCheck implements Closeable {
  private final StageDirectory dir;
  private final StoredCheckpoint checkpoint;
  private final StoredFile file;
  private final FileChannel channel;

  DeferredCrcCheck(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, FileChannel channel) {
    this.dir = dir;
    this.checkpoint = checkpoint;
    this.file = file;
    this.channel = channel;
  }

  /**
   * The open file; its bytes are not verified until {@link #requireCrc32c} accepted their checksum.
   */
  public FileChannel channel() {
    return channel;
  }

  /**
   * Accepts the CRC32C the reader computed over every byte of the file.
   *
   * @throws CorruptCheckpointException with the message {@link FileCheckpointStore#open} gives, if
   *     it is not the committed one (nothing is checked for a file listed without a checksum)
   */
  public void requireCrc32c(long crc32c) {
    if (file.hasChecksum()) {
      StoredCopyReads.requireCommittedCrc(dir, checkpoint, file, crc32c);
    }
  }

  /**
   * The check {@link FileCheckpointStore#open} makes, in a pass of its own: for a reader that
   * failed before it had read every byte, so that damaged bytes are named as such rather than by
   * the symptom the reader saw first.
   *
   * @throws CorruptCheckpointException if the bytes are not the committed ones
   */
  public void requireCommittedContent() throws IOException {
    StoredCopyReads.requireCommittedContent(dir, checkpoint, file, channel);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
