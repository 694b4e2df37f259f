package ai.noether.store.s3.internal;

import ai.noether.store.s3.S3ConditionFailedException;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3ObjectNotFoundException;
import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import ai.noether.store.s3.StoredObject;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Create-only and compare-and-swap puts of small objects. They go to the server as {@code
 * If-None-Match}/{@code If-Match} when it honours them ({@link ConditionalWrites#NATIVE}: the
 * server decides atomically, any number of writers); otherwise they are emulated by a HEAD and a
 * compare before the PUT, serialised per key in this process: correct while one process writes
 * these keys (the stage's writer claim), not across processes.
 */
public final class ConditionalPuts {
  private final SmallObjectPuts puts;
  private final S3Location location;
  private final ConditionalWrites conditionalWrites;
  private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();

  /**
   * @param conditionalWrites {@code NATIVE} or {@code EMULATED}, as configured or probed
   */
  public ConditionalPuts(
      SmallObjectPuts puts, S3Location location, ConditionalWrites conditionalWrites) {
    this.puts = puts;
    this.location = location;
    this.conditionalWrites = conditionalWrites;
  }

  /** See {@link ai.noether.store.s3.S3ObjectStore#putIfAbsent}. */
  public StoredObject putIfAbsent(String key, byte[] bytes) {
    if (conditionalWrites == ConditionalWrites.NATIVE) {
      return puts.put(key, bytes, "*", null);
    }
    synchronized (lockFor(key)) {
      if (puts.head(key).isPresent()) {
        throw new S3ConditionFailedException(
            "create-only write of s3://"
                + location.bucket()
                + "/"
                + key
                + " did not happen: the object already exists");
      }
      return puts.put(key, bytes, null, null);
    }
  }

  /** See {@link ai.noether.store.s3.S3ObjectStore#putIfMatch}. */
  public StoredObject putIfMatch(String key, byte[] bytes, String expectedEtag) {
    Objects.requireNonNull(expectedEtag, "expectedEtag");
    if (conditionalWrites == ConditionalWrites.NATIVE) {
      try {
        return puts.put(key, bytes, null, expectedEtag);
      } catch (S3ObjectNotFoundException e) {
        throw new S3ConditionFailedException(
            "compare-and-swap of s3://"
                + location.bucket()
                + "/"
                + key
                + " did not happen: the object no longer exists",
            e);
      }
    }
    synchronized (lockFor(key)) {
      Optional<StoredObject> current = puts.head(key);
      if (current.isEmpty() || !unquote(current.get().etag()).equals(unquote(expectedEtag))) {
        throw new S3ConditionFailedException(
            "compare-and-swap of s3://"
                + location.bucket()
                + "/"
                + key
                + " did not happen: expected ETag "
                + expectedEtag
                + " but "
                + current.map(o -> "found " + o.etag()).orElse("the object does not exist"));
      }
      return puts.put(key, bytes, null, null);
    }
  }

  private Object lockFor(String key) {
    return keyLocks.computeIfAbsent(key, k -> new Object());
  }

  private static String unquote(String etag) {
    return etag.replace("\"", "");
  }
}
