/**
 * {@code kind: test-evaluation}: the trained models evaluated once on the test split at the end of
 * training.
 */
package ai.noether.callbacks.test;
