/**
 * The {@code noether} command line ({@link ai.noether.core.cli.NoetherCli}, run by the {@code
 * ./noether} launcher script): {@code train}, {@code resume}, {@code config} and {@code kinds},
 * documented in {@code docs/cli.md}.
 *
 * <p>{@code train} and {@code resume} load and validate the configuration, then hand it to a {@link
 * ai.noether.core.cli.RunLauncher}: the run assembly that builds and runs the trainer. A launcher
 * plugs in with a services file {@code META-INF/services/ai.noether.core.cli.RunLauncher}.
 */
package ai.noether.core.cli;
