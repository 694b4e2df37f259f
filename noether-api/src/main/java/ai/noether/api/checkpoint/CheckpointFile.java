package ai.noether.api.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One file of a checkpoint about to be committed: its name, its exact size (known before writing,
 * so the store can check free space first) and a writer that streams the bytes.
 */
public interface CheckpointFile {

  /** The file's name in the checkpoint directory. */
  CheckpointFileName name();

  /** The exact number of bytes {@link #writeTo} will write. */
  long size();

  /**
   * Writes the content into {@code out}, starting at its current position. The store owns the
   * channel: it forces it to disk and closes it. May be called again after a failed attempt.
   */
  void writeTo(FileChannel out) throws IOException;
}
