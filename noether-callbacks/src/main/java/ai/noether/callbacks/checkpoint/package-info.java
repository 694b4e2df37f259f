/**
 * Periodic resumable checkpoints ({@code kind: checkpoint}): a full checkpoint every N epochs,
 * updates, samples or minutes, with {@code latest} moved to it and optional retention of the last
 * N. Best checkpoints live in {@link ai.noether.callbacks.best}.
 */
package ai.noether.callbacks.checkpoint;
