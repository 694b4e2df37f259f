package ai.noether.core.format.th;

import ai.noether.api.checkpoint.CorruptCheckpointException;

/**
 * A {@code .th} file whose pickle refers to a global outside the small set needed to rebuild plain
 * containers and tensors, such as {@code posix.system}. Such a file may be an attack or simply hold
 * objects a checkpoint should not (a custom class); either way nothing in it is loaded and nothing
 * is called.
 *
 * <p>It is a {@link CorruptCheckpointException} because, for the caller, the effect is the same as
 * any other untrustworthy file: the checkpoint cannot be used, and code that falls back to an older
 * checkpoint or reports a damaged file handles both alike. The subtype lets callers that care
 * (security logging) tell the two apart, and {@link #global()} names the offender.
 */
public class ForbiddenGlobalException extends CorruptCheckpointException {
  private static final long serialVersionUID = 1L;

  private final String global;

  public ForbiddenGlobalException(String message, String global) {
    super(message);
    this.global = global;
  }

  /** The refused global as {@code module.name}, for example {@code posix.system}; never null. */
  public String global() {
    return global;
  }
}
