/**
 * Resuming a run: finding the checkpoint a configuration asks for, checking that the new
 * configuration is compatible with it, and restoring model, optimizer and trainer state.
 */
package ai.noether.core.resume;
