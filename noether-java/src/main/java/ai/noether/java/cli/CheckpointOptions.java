package ai.noether.java.cli;

import ai.noether.api.Nullable;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.java.ModelCheckpoint;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The checkpoint selection {@code predict} and {@code evaluate} share, worded as {@code resume}'s.
 */
final class CheckpointOptions {
  @SuppressWarnings("NullAway.Init") // set by picocli before call(): a required parameter
  @Parameters(index = "0", paramLabel = "RUN_ID", description = "the run whose checkpoint to use")
  String runId;

  @Option(
      names = "--stage",
      paramLabel = "S",
      description = "the stage; needed only when the run has several")
  @Nullable
  String stage;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): an option with a default
  @Option(
      names = "--checkpoint",
      paramLabel = "C",
      defaultValue = "latest",
      description =
          "latest (default), last, best.<metric>, E<epoch>, U<update>, S<sample> or a full tag")
  String checkpoint;

  @SuppressWarnings("NullAway.Init") // set by picocli before call(): an option with a default
  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      defaultValue = RunConfigLoader.DEFAULT_OUTPUT_DIR,
      description =
          "where the runs are: a directory or a store URI such as s3://bucket/prefix (default: ${DEFAULT-VALUE})")
  String outputDir;

  ModelCheckpoint selection(@Nullable String modelInfo) {
    return ModelCheckpoint.of(outputDir, runId)
        .stage(stage)
        .checkpoint(checkpoint)
        .modelInfo(modelInfo);
  }
}
