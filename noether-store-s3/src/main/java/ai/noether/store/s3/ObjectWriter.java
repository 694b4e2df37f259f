package ai.noether.store.s3;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Writes an object's bytes into a channel, the way a checkpoint file writes itself. The channel
 * accepts exactly the size announced to {@link S3ObjectStore#upload}; the writer must not close it.
 */
@FunctionalInterface
public interface ObjectWriter {
  /** Writes every byte of the object into {@code channel}, in order. */
  void writeTo(WritableByteChannel channel) throws IOException;
}
