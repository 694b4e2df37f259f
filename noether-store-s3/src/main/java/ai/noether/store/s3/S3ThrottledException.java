package ai.noether.store.s3;

import ai.noether.api.Nullable;

/**
 * The server kept answering 503 SlowDown or 429 after every configured retry with exponential
 * backoff. The message says how many attempts were made and what to change (fewer parts in flight,
 * more retries, a higher request quota).
 */
public class S3ThrottledException extends S3StoreException {
  private static final long serialVersionUID = 1L;

  public S3ThrottledException(String message) {
    super(message);
  }

  public S3ThrottledException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
