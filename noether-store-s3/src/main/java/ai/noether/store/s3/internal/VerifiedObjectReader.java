package ai.noether.store.s3.internal;

import ai.noether.store.s3.S3ChecksumMismatchException;
import ai.noether.store.s3.S3Location;
import ai.noether.store.s3.S3StoreException;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads objects: whole, with the CRC32C of the bytes read checked against the expected or the
 * stored one and the length against the answer's, or as a byte range, which cannot be checked.
 */
public final class VerifiedObjectReader {
  private static final int READ_BUFFER = 256 * 1024;

  private final S3Client s3;
  private final S3Location location;
  private final S3Errors errors;

  public VerifiedObjectReader(S3Client s3, S3Location location, S3Errors errors) {
    this.s3 = s3;
    this.location = location;
    this.errors = errors;
  }

  /**
   * See {@link ai.noether.store.s3.S3ObjectStore#read(String, WritableByteChannel, OptionalLong)}.
   */
  public StoredObject read(String key, WritableByteChannel out, OptionalLong expectedCrc32c)
      throws IOException {
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(location.bucket()).key(key))) {
      GetObjectResponse response = in.response();
      long stored = Crc32c.parseHex(response.metadata().get(Crc32c.METADATA_KEY));
      if (expectedCrc32c.isPresent() && stored >= 0 && stored != expectedCrc32c.getAsLong()) {
        throw new S3ChecksumMismatchException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " carries CRC32C "
                + Crc32c.toHex(stored)
                + " but "
                + Crc32c.toHex(expectedCrc32c.getAsLong())
                + " was expected: "
                + "the object was replaced by another one");
      }
      long expected = expectedCrc32c.isPresent() ? expectedCrc32c.getAsLong() : stored;
      if (expected < 0) {
        throw new S3StoreException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " has no stored CRC32C (it was "
                + "written in several parts, or not by Noether), so it cannot be verified: read it with the "
                + "checksum recorded in its manifest");
      }
      long[] counted = new long[1];
      long crc = copy(in, out, counted);
      if (counted[0] != response.contentLength()) {
        throw new S3StoreException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " ended after "
                + counted[0]
                + " of "
                + response.contentLength()
                + " bytes");
      }
      if (crc != expected) {
        throw new S3ChecksumMismatchException(
            "s3://"
                + location.bucket()
                + "/"
                + key
                + " is damaged: its "
                + counted[0]
                + " bytes have CRC32C "
                + Crc32c.toHex(crc)
                + " but "
                + Crc32c.toHex(expected)
                + " was stored when it was written. Do not use it; an older checkpoint may still be intact");
      }
      return new StoredObject(
          key, counted[0], response.eTag(), OptionalLong.of(crc), response.lastModified());
    } catch (SdkException e) {
      throw errors.translate("read", key, e);
    }
  }

  /** See {@link ai.noether.store.s3.S3ObjectStore#readRange}. */
  public long readRange(String key, long offset, long length, WritableByteChannel out)
      throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must be >= 0, were " + offset + ", " + length);
    }
    if (length == 0) {
      return 0;
    }
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(
            b ->
                b.bucket(location.bucket())
                    .key(key)
                    .range("bytes=" + offset + "-" + (offset + length - 1)))) {
      long[] counted = new long[1];
      copy(in, out, counted);
      return counted[0];
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return 0;
      }
      throw errors.translate("ranged read", key, e);
    } catch (SdkException e) {
      throw errors.translate("ranged read", key, e);
    }
  }

  private static long copy(InputStream in, WritableByteChannel out, long[] counted)
      throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[READ_BUFFER];
    ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    int n;
    while ((n = in.read(buffer)) > 0) {
      crc.update(buffer, 0, n);
      wrapped.clear().limit(n);
      while (wrapped.hasRemaining()) {
        out.write(wrapped);
      }
      counted[0] += n;
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading");
      }
    }
    return crc.getValue();
  }
}
