package ai.noether.store.s3;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;

/**
 * A request to the object store failed. The message names the endpoint, bucket and key involved and
 * says what to do (fix the endpoint, create the bucket, check credentials, slow down); it is meant
 * to be shown as it is. The SDK's exception is attached as the cause for the log.
 */
public class S3StoreException extends NoetherException {
  private static final long serialVersionUID = 1L;

  public S3StoreException(String message) {
    super(message);
  }

  public S3StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
