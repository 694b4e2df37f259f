/**
 * Checkpoints in S3-compatible object storage (AWS S3, MinIO, Ceph, the S3 API of Google Cloud
 * Storage): where a run lives ({@link ai.noether.store.s3.S3Location}), how the client is
 * configured ({@link ai.noether.store.s3.S3StoreConfig}) and the object layer the S3 checkpoint
 * store stands on ({@link ai.noether.store.s3.S3ObjectStore}): multipart uploads streamed from a
 * channel with bounded memory, a CRC32C per object verified on read, create-only and
 * compare-and-swap puts, listing, deletion and cleanup of unfinished uploads.
 *
 * <p>Every failure is an {@link ai.noether.store.s3.S3StoreException} (or a subclass for the cases
 * a caller handles: a lost condition, a checksum mismatch, a missing object, throttling) whose
 * message names the endpoint, bucket and key and says what to do. The plumbing lives in {@code
 * ai.noether.store.s3.internal} and is not API.
 */
package ai.noether.store.s3;
