package ai.noether.core.cli;

import ai.noether.api.NoetherException;
import ai.noether.core.config.RunConfig;
import ai.noether.core.registry.ComponentRegistry;
import java.io.PrintWriter;

/**
 * Turns a bound, validated run configuration into a running training, for {@code noether train} and
 * {@code noether resume}: builds the components through the registry, resumes when {@link
 * RunConfig#optResume()} says so, trains, and reports how it ended.
 *
 * <p>The command line trains with {@link TrainingLauncher}; tests and tools pass another (one that
 * only checks, or {@link #unavailable()}).
 */
public interface RunLauncher {

  /**
   * Runs the training described by {@code config}.
   *
   * @param registry the registry {@code config} was validated against
   * @param out where to print a summary for the user (logging goes through SLF4J)
   * @param options command-line options that are not part of the configuration
   * @return the exit status: {@link NoetherCli#OK} when training reached its limit, {@link
   *     NoetherCli#INTERRUPTED} when a signal stopped it after a resumable checkpoint
   * @throws ai.noether.api.ConfigException for problems the user fixes in the configuration (exit
   *     2)
   * @throws Exception for anything else (exit 1)
   */
  int launch(RunConfig config, ComponentRegistry registry, PrintWriter out, LaunchOptions options)
      throws Exception;

  /** The launcher that trains: {@link TrainingLauncher}, with the command line's stop signals. */
  static RunLauncher fromClassPath() {
    return new TrainingLauncher();
  }

  /** A launcher that explains that this build cannot train (no launcher on the class path). */
  static RunLauncher unavailable() {
    return (config, registry, out, options) -> {
      throw new NoetherException(
          "training is not available here: this command line was built without a run"
              + " launcher. 'noether config' checks a configuration without training.");
    };
  }
}
