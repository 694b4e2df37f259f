package ai.noether.core.inspect;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;

/**
 * A file given as a checkpoint that is none: not a zip archive, a zip without a pickle, a
 * TorchScript archive. It is the caller's mistake, not damage, so it is a {@link ConfigException}
 * (exit code 2 on the command line); a damaged checkpoint stays a {@link
 * ai.noether.api.checkpoint.CorruptCheckpointException} (exit code 1).
 */
public final class NotACheckpointException extends ConfigException {
  private static final long serialVersionUID = 1L;

  public NotACheckpointException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
