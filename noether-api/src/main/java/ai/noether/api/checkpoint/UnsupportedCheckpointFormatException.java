package ai.noether.api.checkpoint;

import ai.noether.api.NoetherException;

/**
 * A checkpoint file written in a layout this build does not know: a newer {@code
 * noether_format_version} than it reads, or an invalid one. The file itself may be sound; the
 * message names the file, its version and the versions this build reads.
 */
public class UnsupportedCheckpointFormatException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public UnsupportedCheckpointFormatException(String message) {
    super(message);
  }
}
