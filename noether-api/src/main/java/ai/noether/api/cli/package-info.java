/**
 * Commands other jars add to the {@code noether} command line: a {@link
 * ai.noether.api.cli.CommandProvider} listed in {@code
 * META-INF/services/ai.noether.api.cli.CommandProvider}, created by the process injector (so it may
 * have the framework's services injected), makes a picocli command object, which reaches the
 * command line's working directory and the stores through its {@link
 * ai.noether.api.cli.CommandContext} and ends with one of the {@link ai.noether.api.cli.ExitCodes}.
 */
package ai.noether.api.cli;
