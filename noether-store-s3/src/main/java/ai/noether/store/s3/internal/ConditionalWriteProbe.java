package ai.noether.store.s3.internal;

import ai.noether.store.s3.S3ConditionFailedException;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3StoreConfig.ConditionalWrites;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Finds out whether the server honours {@code If-None-Match: *} and {@code If-Match} on PUT by
 * asking it to break both on a scratch object. Servers that ignore the headers (S3Proxy 2.6.0,
 * older MinIO and Ceph) then get the emulation, with a warning.
 */
public final class ConditionalWriteProbe {
  private static final Logger LOG =
      LoggerFactory.getLogger(ai.noether.store.s3.S3ObjectStore.class);
  private static final String PROBE_PREFIX = ".noether-probe-";

  private ConditionalWriteProbe() {}

  /** Probes the server with a scratch object under the location's prefix, deleted afterwards. */
  public static ConditionalWrites probe(
      S3Client s3, S3Location location, SmallObjectPuts puts, String endpointDescription) {
    String key = location.key(PROBE_PREFIX + UUID.randomUUID());
    byte[] probe = "noether conditional-write probe".getBytes(StandardCharsets.UTF_8);
    boolean createOnly;
    boolean compareAndSwap;
    try {
      puts.put(key, probe, "*", null);
      try {
        puts.put(key, probe, "*", null);
        createOnly = false;
      } catch (S3ConditionFailedException expected) {
        createOnly = true;
      }
      try {
        puts.put(key, probe, null, "\"00000000000000000000000000000000\"");
        compareAndSwap = false;
      } catch (S3ConditionFailedException expected) {
        compareAndSwap = true;
      }
    } finally {
      try {
        s3.deleteObject(b -> b.bucket(location.bucket()).key(key));
      } catch (SdkException e) {
        LOG.warn(
            "Could not delete the probe object s3://{}/{}: {}",
            location.bucket(),
            key,
            e.toString());
      }
    }
    if (createOnly && compareAndSwap) {
      LOG.info(
          "{} honours If-None-Match and If-Match on PUT: conditional writes are native",
          endpointDescription);
      return ConditionalWrites.NATIVE;
    }
    LOG.warn(
        "{} ignores {} on PUT: create-only and compare-and-swap writes are emulated by a HEAD before "
            + "the PUT, which is safe only while one process writes a stage (the writer claim ensures it)",
        endpointDescription,
        createOnly ? "If-Match" : compareAndSwap ? "If-None-Match" : "If-None-Match and If-Match");
    return ConditionalWrites.EMULATED;
  }
}
