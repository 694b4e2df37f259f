package ai.noether.store.s3;

import java.time.Instant;

/**
 * A multipart upload that was started and neither completed nor aborted: its parts take space (and
 * cost money on AWS) but no object is visible under its key.
 *
 * @param key the key it would have written, never null
 * @param uploadId the server's id of the upload, never null
 * @param initiated when it was started as the server reports it, never null
 */
public record UnfinishedUpload(String key, String uploadId, Instant initiated) {}
