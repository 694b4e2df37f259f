package ai.noether.store.s3;

import ai.noether.api.Nullable;

/**
 * The bytes read from an object do not have the CRC32C stored with it (or given by the caller): the
 * object was damaged at rest or in transit, or replaced. The bytes already written to the reader's
 * channel must be discarded.
 */
public class S3ChecksumMismatchException extends S3StoreException {
  private static final long serialVersionUID = 1L;

  public S3ChecksumMismatchException(String message) {
    super(message);
  }

  public S3ChecksumMismatchException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
