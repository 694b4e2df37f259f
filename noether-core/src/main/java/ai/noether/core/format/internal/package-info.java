/**
 * Helpers shared by the checkpoint formats (memory mapping of file regions). Not an API: the format
 * packages are the only callers.
 */
package ai.noether.core.format.internal;
