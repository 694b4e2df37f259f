package ai.noether.store.s3.internal;

import ai.noether.api.Nullable;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.StoredObject;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Small objects written in one request, each carrying its CRC32C in its metadata, and their
 * metadata read back.
 */
public final class SmallObjectPuts {
  private final S3Client s3;
  private final S3Location location;
  private final S3Errors errors;

  public SmallObjectPuts(S3Client s3, S3Location location, S3Errors errors) {
    this.s3 = s3;
    this.location = location;
    this.errors = errors;
  }

  /**
   * Writes the object, with {@code If-None-Match} and {@code If-Match} when given, replacing any
   * object under the key otherwise.
   */
  public StoredObject put(
      String key, byte[] bytes, @Nullable String ifNoneMatch, @Nullable String ifMatch) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    long value = crc.getValue();
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(location.bucket())
            .key(key)
            .contentLength((long) bytes.length)
            .contentType("application/octet-stream")
            .metadata(Map.of(Crc32c.METADATA_KEY, Crc32c.toHex(value)));
    if (ifNoneMatch != null) {
      request.ifNoneMatch(ifNoneMatch);
    }
    if (ifMatch != null) {
      request.ifMatch(ifMatch);
    }
    try {
      var response = s3.putObject(request.build(), RequestBody.fromBytes(bytes));
      return new StoredObject(key, bytes.length, response.eTag(), OptionalLong.of(value), null);
    } catch (SdkException e) {
      throw errors.translate(
          ifNoneMatch != null
              ? "create-only write"
              : ifMatch != null ? "compare-and-swap" : "write",
          key,
          e);
    }
  }

  /** The object's size, ETag and stored checksum, or empty when no object has the key. */
  public Optional<StoredObject> head(String key) {
    try {
      HeadObjectResponse h = s3.headObject(b -> b.bucket(location.bucket()).key(key));
      long stored = Crc32c.parseHex(h.metadata().get(Crc32c.METADATA_KEY));
      return Optional.of(
          new StoredObject(
              key,
              h.contentLength(),
              h.eTag(),
              stored < 0 ? OptionalLong.empty() : OptionalLong.of(stored),
              h.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw errors.translate("metadata read", key, e);
    } catch (SdkException e) {
      throw errors.translate("metadata read", key, e);
    }
  }
}
