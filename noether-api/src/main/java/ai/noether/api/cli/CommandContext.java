package ai.noether.api.cli;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import java.nio.file.Path;

/**
 * What the {@code noether} command line gives the commands other jars add ({@link
 * CommandProvider}).
 */
public interface CommandContext {

  /** {@code --output-dir}'s default, as a run's {@code output_dir} defaults to it. */
  String DEFAULT_OUTPUT_DIR = "./runs";

  /**
   * What relative paths of the command line are resolved against: the process's working directory,
   * or the directory a test or an embedding program gave; absolute.
   */
  Path workingDir();

  /**
   * Parses an {@code --output-dir} value, a directory or a store URI ({@code file:/data/runs},
   * {@code s3://bucket/prefix}); a relative path is resolved against {@link #workingDir()}.
   *
   * @throws ai.noether.api.ConfigException naming the option and what is wrong
   */
  StoreLocation storeLocation(String outputDir);

  /**
   * The store serving {@code location}, opened with its default settings, exactly as a run with
   * that {@code output_dir} would choose it; the caller closes it.
   *
   * @throws ai.noether.api.ConfigException if no store on the class path serves the location's
   *     scheme
   */
  CheckpointStore openStore(StoreLocation location);
}
