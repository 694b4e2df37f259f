package ai.noether.api.checkpoint;

/**
 * A committed checkpoint file as recorded by its store.
 *
 * @param name the file name
 * @param size bytes
 * @param crc32c checksum of the whole file, recorded at commit time and checked by verification
 */
public record StoredFile(CheckpointFileName name, long size, long crc32c) {}
