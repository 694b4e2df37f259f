package ai.noether.api.checkpoint;

/**
 * A committed checkpoint file as recorded by its store.
 *
 * @param name the file name
 * @param size bytes
 * @param crc32c checksum of the whole file, recorded at commit time and checked by verification;
 *     {@link #NO_CHECKSUM} when the store holds none (files written by Noether in Python, whose
 *     records carry their own checksums)
 */
public record StoredFile(CheckpointFileName name, long size, long crc32c) {
  /** The {@link #crc32c} of a file for which the store recorded no checksum. */
  public static final long NO_CHECKSUM = -1;

  /** True if the store recorded a CRC32C for this file at commit time. */
  public boolean hasChecksum() {
    return crc32c != NO_CHECKSUM;
  }
}
