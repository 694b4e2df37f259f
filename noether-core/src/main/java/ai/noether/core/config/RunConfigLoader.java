package ai.noether.core.config;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Interval;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads a run configuration: parses the YAML file (recording the line of every key), applies the
 * command-line overrides ({@link Overrides}), fills in the defaults and binds the root keys ({@link
 * RunConfigBinding}). Every problem is a {@link ConfigException} that names the file, the line and
 * the YAML path.
 *
 * <p>Component blocks are checked here only for their {@code kind}; their own keys are checked when
 * the component registry binds them ({@code ComponentRegistry.validate}).
 */
public final class RunConfigLoader {
  public static final String DEFAULT_STAGE_NAME = "train";
  public static final String DEFAULT_OUTPUT_DIR =
      ai.noether.api.cli.CommandContext.DEFAULT_OUTPUT_DIR;
  public static final long DEFAULT_SEED = 0;
  public static final String DEFAULT_STORE_KIND = "file";
  public static final String DEFAULT_TRAINING_STEP_KIND = "supervised";

  /**
   * How long a graceful stop may take unless {@code trainer.stop_timeout_seconds} says otherwise.
   */
  public static final long DEFAULT_STOP_TIMEOUT_SECONDS = 120;

  /** Progress is logged every 100 updates unless a {@code log_every_n_*} key says otherwise. */
  public static final Interval DEFAULT_LOGGING = Interval.updates(100);

  /**
   * Consecutive failed checkpoint saves after which training stops ({@code
   * trainer.max_failed_saves}).
   */
  public static final int DEFAULT_MAX_FAILED_SAVES =
      ai.noether.core.training.Trainer.DEFAULT_MAX_FAILED_SAVES;

  private final Path workingDir;
  private final Supplier<String> runIds;
  private final BlockCheck blockCheck;

  /**
   * Resolves relative paths against the process's working directory; generates ids with {@link
   * RunIds}.
   */
  public RunConfigLoader() {
    this(Path.of("").toAbsolutePath(), RunIds::next);
  }

  /**
   * @param workingDir what a relative {@code output_dir} is resolved against
   * @param runIds supplies the run id when the configuration has none
   */
  public RunConfigLoader(Path workingDir, Supplier<String> runIds) {
    this(workingDir, runIds, BlockCheck.NONE);
  }

  private RunConfigLoader(Path workingDir, Supplier<String> runIds, BlockCheck blockCheck) {
    this.workingDir = workingDir.toAbsolutePath();
    this.runIds = runIds;
    this.blockCheck = blockCheck;
  }

  /**
   * This loader, checking every component block with {@code check} while it reads, so that one
   * error lists the problems of the root keys and of the blocks together.
   */
  public RunConfigLoader withBlockCheck(BlockCheck check) {
    return new RunConfigLoader(workingDir, runIds, check);
  }

  /**
   * Reads {@code file} and applies {@code overrides} ({@code key.path=value}, in order).
   *
   * @param file resolved against the working directory; messages name it as given
   * @throws ConfigException if the file cannot be read or the configuration is not valid
   */
  public RunConfig load(Path file, List<String> overrides) {
    Path resolved = workingDir.resolve(file);
    if (!Files.exists(resolved)) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    if (!Files.isRegularFile(resolved)) {
      throw new ConfigException("config file " + file + " is not a file");
    }
    String text;
    try {
      text = Files.readString(resolved);
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": not a UTF-8 text file", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString(), overrides);
  }

  /**
   * Reads a configuration saved as a plain tree (the {@code config} a checkpoint's trainer file
   * holds) and applies {@code overrides}, exactly as if the tree had been read from a file.
   *
   * @param source what messages name as the file, e.g. the trainer file's path
   */
  public RunConfig fromTree(Map<String, Object> tree, String source, List<String> overrides) {
    return parse(Yaml.write(tree), source, overrides);
  }

  /**
   * Reads a configuration from text.
   *
   * @param source the file name used in messages
   */
  @SuppressWarnings("unchecked")
  public RunConfig parse(String yaml, String source, List<String> overrides) {
    Origins origins = new Origins(source);
    Object tree;
    try {
      tree = Yaml.read(yaml, "", origins::fileLine);
    } catch (Yaml.Problem e) {
      throw new ConfigException(
          source + (e.line > 0 ? " line " + e.line : "") + ": " + e.getMessage());
    }
    if (tree == null) {
      tree = new LinkedHashMap<String, Object>();
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new ConfigException(
          source
              + ": a run configuration is a mapping of keys (run_id: ..., model: ...), not "
              + PlainTrees.describe(tree));
    }
    Map<String, Object> root = (Map<String, Object>) tree;
    Overrides.apply(root, overrides, origins);
    return new RunConfigBinding(workingDir, runIds, blockCheck).bind(root, origins);
  }
}
