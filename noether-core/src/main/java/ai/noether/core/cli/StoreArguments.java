package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.StoreLocation;
import java.util.function.UnaryOperator;

/**
 * How commands that read runs outside a training ({@code runs}, {@code verify}, {@code resume},
 * {@code plot}) turn {@code --output-dir} into a store: the value is a directory or a store URI
 * ({@code file:/data/runs}, {@code s3://bucket/prefix}), and the store serving its scheme is opened
 * with its default settings, exactly as a run with that {@code output_dir} would choose it.
 */
public final class StoreArguments {
  private StoreArguments() {}

  /**
   * Parses {@code --output-dir}; a relative path is resolved against the working directory.
   *
   * @throws ConfigException naming the option and what is wrong
   */
  public static StoreLocation location(NoetherCli cli, String outputDir) {
    try {
      return StoreLocation.parse(outputDir, cli.workingDir());
    } catch (InvalidNameException e) {
      throw new ConfigException("--output-dir " + outputDir + ": " + e.getMessage());
    }
  }

  /**
   * A run id or stage name given on the command line, as {@code check} (e.g. {@code
   * Names::requireRunId}) returns it.
   *
   * @throws ConfigException with the check's message, so that the command exits with {@link
   *     NoetherCli#USAGE}
   */
  static String requireName(String value, UnaryOperator<String> check) {
    try {
      return check.apply(value);
    } catch (InvalidNameException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** The store serving {@code location}; the caller closes it. */
  public static CheckpointStore open(NoetherCli cli, StoreLocation location) {
    return cli.registry().createStore(location);
  }
}
