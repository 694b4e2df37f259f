package ai.noether.initializers.file;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.TensorFileReader;
import ai.noether.api.init.Initializer;
import ai.noether.api.model.LoadReport;
import ai.noether.api.model.Model;
import ai.noether.api.tensor.HostTensor;
import ai.noether.initializers.mapping.StateDictLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Initialises a model with the weights of one file (see {@link StateDictFiles} for the formats).
 * Only weights are taken, whatever else the file holds.
 *
 * <p>Errors name the initializer's YAML path and the file's absolute path: a missing file is a
 * {@link CheckpointNotFoundException}, a damaged or unknown one a {@link
 * CorruptCheckpointException}, a {@code state_dict_key} that does not fit the file a {@link
 * ConfigException}, keys that do not fit the model a {@link
 * ai.noether.api.model.StateDictMismatchException} listing every one.
 */
public final class CheckpointFileInitializer implements Initializer {
  private final CheckpointFileInitializerConfig config;
  private final TensorFileReader reader;
  private final String where;

  /**
   * @param config the bound configuration; never null
   * @param reader reads the file's formats (the run's {@link TensorFileReader})
   * @param where the YAML path of the initializer, for messages
   */
  public CheckpointFileInitializer(
      CheckpointFileInitializerConfig config, TensorFileReader reader, String where) {
    this.config = Objects.requireNonNull(config, "config");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.where = Objects.requireNonNull(where, "where");
  }

  @Override
  public LoadReport initialize(Model model) throws IOException {
    Path path = config.resolvedPath();
    Map<String, HostTensor> weights;
    try {
      if (!Files.exists(path)) {
        throw new CheckpointNotFoundException(
            "file "
                + path
                + " does not exist"
                + (Path.of(config.path()).isAbsolute()
                    ? ""
                    : " (path '"
                        + config.path()
                        + "' is relative to the working"
                        + " directory "
                        + Path.of("").toAbsolutePath()
                        + ")"));
      }
      if (Files.isDirectory(path)) {
        throw new CheckpointNotFoundException(
            path + " is a directory; path names one weights file");
      }
      weights = StateDictFiles.read(reader, path, config.stateDictKey());
    } catch (CheckpointNotFoundException e) {
      throw new CheckpointNotFoundException(prefix() + e.getMessage(), e);
    } catch (CorruptCheckpointException e) {
      throw new CorruptCheckpointException(prefix() + e.getMessage(), e);
    } catch (ConfigException e) {
      throw new ConfigException(prefix() + e.getMessage(), e);
    }
    String source =
        "file " + path + (config.stateDictKey() == null ? "" : " [" + config.stateDictKey() + "]");
    return StateDictLoader.load(
        model, weights, config.keyMapping(), config.strict(), config.castDtypes(), where, source);
  }

  private String prefix() {
    return where + " (" + CheckpointFileInitializerFactory.KIND + "): ";
  }

  @Override
  public String toString() {
    return "CheckpointFileInitializer[" + config.path() + "]";
  }
}
