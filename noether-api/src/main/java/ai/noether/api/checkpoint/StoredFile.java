package ai.noether.api.checkpoint;

import java.io.EOFException;

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

  /**
   * Checks that {@code length} bytes from {@code offset} lie inside the file, as {@link
   * CheckpointStore#read} requires of its range.
   *
   * @param location where the file is ({@link CheckpointStore#location(StoredCheckpoint,
   *     StoredFile)}), for the message
   * @throws EOFException if the range starts before the file or goes past its end
   */
  public void requireRange(long offset, int length, String location) throws EOFException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new EOFException(
          "range " + offset + "+" + length + " lies outside " + location + " (" + size + " bytes)");
    }
  }
}
