package ai.noether.store.s3;

import ai.noether.api.Nullable;

/** No object has the key asked for (HTTP 404 NoSuchKey). */
public class S3ObjectNotFoundException extends S3StoreException {
  private static final long serialVersionUID = 1L;

  public S3ObjectNotFoundException(String message) {
    super(message);
  }

  public S3ObjectNotFoundException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
