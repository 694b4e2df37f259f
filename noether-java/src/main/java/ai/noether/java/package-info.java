/**
 * Noether from Java code: {@link ai.noether.java.Noether} trains a run from a YAML file, a YAML
 * string or a {@link ai.noether.java.NoetherConfig} built in code, and loads any checkpoint for
 * inference in one call ({@link ai.noether.java.Noether#load}, the equivalent of Lightning's {@code
 * load_from_checkpoint}). Nothing else of the framework is needed: the configuration keys are those
 * of the YAML files (see {@code docs/configuration.md}), and the results are plain values. See
 * {@code docs/java-api.md} for a complete program.
 */
package ai.noether.java;
