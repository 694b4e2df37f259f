package ai.noether.api.checkpoint;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;

/**
 * A checkpoint file that cannot be trusted: a checksum mismatch, a truncated file, a malformed
 * header, or content the safe reader refuses to load. The message names the file and the record.
 */
public class CorruptCheckpointException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public CorruptCheckpointException(String message) {
    super(message);
  }

  public CorruptCheckpointException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
