package ai.noether.api.checkpoint;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * One file of a checkpoint about to be committed: its name, its exact size (known before writing,
 * so the store can check free space, or announce the length of an upload, first) and a writer that
 * streams the bytes.
 */
public interface CheckpointFile {

  /** The file's name in the checkpoint. */
  CheckpointFileName name();

  /** The exact number of bytes {@link #writeTo} will write. */
  long size();

  /**
   * Writes the content into {@code out}, starting at its current position, strictly in order: every
   * store can take the bytes as a stream (an object store uploads them part by part). The store
   * owns the channel: it makes the bytes durable and closes it. May be called again, with a fresh
   * channel, after a failed attempt.
   *
   * <p><b>Note:</b> a file store hands over a {@link java.nio.channels.FileChannel}; an
   * implementation may test for it and use positional writes, mapping or {@code transferFrom} as a
   * fast path, as long as the bytes that end up in the channel are the same.
   */
  void writeTo(WritableByteChannel out) throws IOException;
}
