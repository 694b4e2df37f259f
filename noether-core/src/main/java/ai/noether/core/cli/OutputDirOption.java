package ai.noether.core.cli;

import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.core.config.RunConfigLoader;
import picocli.CommandLine.Option;

/**
 * The {@code --output-dir} option of the commands that read runs outside a training ({@code runs},
 * {@code verify}, {@code resume}, {@code plot}): a directory or a store URI, default {@value
 * RunConfigLoader#DEFAULT_OUTPUT_DIR}.
 */
final class OutputDirOption {
  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      defaultValue = RunConfigLoader.DEFAULT_OUTPUT_DIR,
      description =
          "where the runs are: a directory or a store URI such as s3://bucket/prefix"
              + " (default: ${DEFAULT-VALUE})")
  @SuppressWarnings("NullAway.Init") // has a defaultValue: picocli sets it before call()
  String outputDir;

  /** The location the option names, as {@link StoreArguments#location} parses it. */
  StoreLocation location(NoetherCli cli) {
    return StoreArguments.location(cli, outputDir);
  }
}
