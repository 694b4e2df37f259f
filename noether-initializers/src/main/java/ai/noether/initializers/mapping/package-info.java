/**
 * From stored keys to model keys: {@link ai.noether.initializers.mapping.KeyMapping} removes,
 * renames and keeps keys fresh, in that order; {@link
 * ai.noether.initializers.mapping.StateDictLoader} applies it, loads the result into a model and
 * reports every mismatch in one error. Every initializer that copies weights goes through it, so
 * the keys {@code keys_to_remove}, {@code patterns_to_rename}, {@code
 * patterns_to_keep_initialized}, {@code strict} and {@code cast_dtypes} ({@link
 * ai.noether.initializers.mapping.DTypeCast}) mean the same everywhere.
 */
package ai.noether.initializers.mapping;
