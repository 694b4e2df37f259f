/**
 * The checks that run before training ({@link ai.noether.core.check.Preflight}): every component's
 * {@link ai.noether.api.spi.ComponentFactory#check check} against the run's length and the data's
 * shapes, then a dry forward pass on one batch. {@code train}, {@code resume} and {@code noether
 * config} run them; a problem is a {@link ai.noether.api.ConfigException} (exit status 2) listing
 * all that was found, before any checkpoint is written.
 */
package ai.noether.core.check;
