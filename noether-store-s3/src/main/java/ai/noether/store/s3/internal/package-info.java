/**
 * Plumbing of the S3 object layer, not API: the SDK client as configured, the streamed multipart
 * upload with its bounded part buffers, CRC32C helpers and the translation of SDK failures into
 * messages that say what to do.
 */
package ai.noether.store.s3.internal;
