/**
 * {@code noether predict} and {@code noether evaluate}: the Java API's inference behind the command
 * line, added to {@code noether} through {@link ai.noether.api.cli.CommandProvider}.
 */
package ai.noether.java.cli;
