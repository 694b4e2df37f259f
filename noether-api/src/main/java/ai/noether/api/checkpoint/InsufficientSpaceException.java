package ai.noether.api.checkpoint;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;

/**
 * A checkpoint that does not fit on its storage. Thrown before anything is written when the free
 * space is known to be too small, or after a write failed with "no space left"; in both cases older
 * checkpoints are untouched and no temporary files remain.
 */
public class InsufficientSpaceException extends NoetherException {
  private static final long serialVersionUID = 1L;
  private final long neededBytes;
  private final long availableBytes;
  private final long requiredFreeBytes;

  public InsufficientSpaceException(
      String message, long neededBytes, long availableBytes, @Nullable Throwable cause) {
    this(message, neededBytes, availableBytes, neededBytes, cause);
  }

  /**
   * @param requiredFreeBytes the free space the store needs before it writes the checkpoint: its
   *     bytes plus whatever the store keeps for its own metadata; at least {@code neededBytes}
   */
  public InsufficientSpaceException(
      String message,
      long neededBytes,
      long availableBytes,
      long requiredFreeBytes,
      @Nullable Throwable cause) {
    super(message, cause);
    this.neededBytes = neededBytes;
    this.availableBytes = availableBytes;
    this.requiredFreeBytes = Math.max(neededBytes, requiredFreeBytes);
  }

  /**
   * The free space the store needs before it writes this checkpoint; at least {@link
   * #neededBytes()}.
   */
  public long requiredFreeBytes() {
    return requiredFreeBytes;
  }

  /** Bytes the checkpoint needs. */
  public long neededBytes() {
    return neededBytes;
  }

  /** Bytes that were free when the check ran, or -1 if unknown. */
  public long availableBytes() {
    return availableBytes;
  }
}
