package ai.noether.store.s3;

import ai.noether.api.Nullable;
import ai.noether.store.s3.internal.Crc32c;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * An object as the store knows it.
 *
 * @param key the full key in the bucket, never null
 * @param size the size in bytes
 * @param etag the server's entity tag, quoted as the server sent it; the token for {@link
 *     S3ObjectStore#putIfMatch}; never null
 * @param crc32c the CRC32C of the whole object as stored in its metadata or computed while it was
 *     written, empty where neither is known (a listing, or a multipart object read by HEAD: its
 *     checksum belongs in the caller's manifest)
 * @param lastModified when the server last wrote it, null where unknown
 */
public record StoredObject(
    String key, long size, String etag, OptionalLong crc32c, @Nullable Instant lastModified) {

  /** The checksum as 8 hex digits, or {@code "-"}. */
  public String crc32cHex() {
    return crc32c.isPresent() ? Crc32c.toHex(crc32c.getAsLong()) : "-";
  }
}
