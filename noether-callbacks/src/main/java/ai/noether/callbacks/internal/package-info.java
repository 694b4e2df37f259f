/**
 * Helpers shared by the callbacks of this module: interval triggers (including wall-clock minutes)
 * and typed access to saved states. Not an api: may change without notice.
 */
package ai.noether.callbacks.internal;
