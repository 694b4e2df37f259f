package ai.noether.store.s3;

import ai.noether.api.Nullable;

/**
 * A create-only put found the key already there, or a compare-and-swap put found another ETag than
 * expected (HTTP 412, or the emulated check). The caller lost a race or the key moved: it re-reads
 * and decides; nothing was written.
 */
public class S3ConditionFailedException extends S3StoreException {
  private static final long serialVersionUID = 1L;

  public S3ConditionFailedException(String message) {
    super(message);
  }

  public S3ConditionFailedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
