/**
 * What {@code noether inspect} shows of one checkpoint file: its role, tag, iteration, tensors with
 * their shapes and dtypes, metrics, extras and configuration, read with the restricted {@code .th}
 * reader (never running code). Files that are not checkpoints are recognised and named as such.
 */
package ai.noether.core.inspect;
