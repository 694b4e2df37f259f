/**
 * Resuming a run: finding the checkpoint a configuration asks for, checking that the new
 * configuration is compatible with it, and restoring model, optimizer and trainer state.
 *
 * <p>Nothing read is trusted as found: {@link ai.noether.core.resume.CheckpointReader} has every
 * file's checksum checked by its store and cross-checks the iteration and tag inside each file
 * ({@link ai.noether.core.resume.FileMetadata}); {@link ai.noether.core.resume.CheckpointFallback}
 * continues from the newest checkpoint that verifies when {@code latest} does not.
 */
package ai.noether.core.resume;
