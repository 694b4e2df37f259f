package ai.noether.core.data;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.npy.NpyReader;
import ai.noether.core.format.npy.NpzReader;
import ai.noether.core.format.safetensors.SafetensorsContents;
import ai.noether.core.format.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the splits of {@code kind: arrays} from its configuration; see {@link
 * ArraysDatasetConfig}.
 */
public final class ArrayDatasets {
  private static final Logger LOG = LoggerFactory.getLogger(ArrayDatasets.class);
  private final ArraysDatasetConfig config;
  private final Path baseDir;
  private final DataCache cache;
  private final Map<Path, SafetensorsContents> safetensors = new HashMap<>();

  private ArrayDatasets(ArraysDatasetConfig config, Path baseDir) {
    this.config = config;
    this.baseDir = baseDir;
    this.cache =
        config.cacheDir() == null
            ? DataCache.inTempDir()
            : new DataCache(baseDir.resolve(config.cacheDir()));
  }

  /**
   * The splits of {@code config}, with relative paths resolved against {@code baseDir}.
   *
   * @throws DataFileException naming the file and field of any problem
   */
  public static FileDataSource open(ArraysDatasetConfig config, long seed, Path baseDir) {
    ArrayDatasets builder = new ArrayDatasets(config, baseDir.toAbsolutePath());
    ArrayFieldDataset train = builder.split("train", config.train());
    ArrayFieldDataset valid =
        config.valid() == null ? null : builder.split("valid", config.valid());
    ArrayFieldDataset test = config.test() == null ? null : builder.split("test", config.test());
    if (config.validFraction() != null) {
      long drawSeed = config.validSeed() == null ? seed : config.validSeed();
      RowSelection[] drawn = ValidationDraw.rows(train.size(), config.validFraction(), drawSeed);
      if (drawn[1].size() == 0 || drawn[0].size() == 0) {
        throw new DataFileException(
            "valid_fraction "
                + config.validFraction()
                + " of the "
                + train.size()
                + " training samples leaves "
                + (drawn[1].size() == 0 ? "no validation" : "no training")
                + " sample; change valid_fraction or give validation files");
      }
      valid = train.select(drawn[1]);
      train = train.select(drawn[0]);
    }
    FileDataSource data = new FileDataSource(train, valid, test);
    LOG.info("dataset arrays: {}", data.describe());
    return data;
  }

  private ArrayFieldDataset split(String split, Map<String, String> fields) {
    List<ArrayFieldDataset.Source> sources = new ArrayList<>();
    fields.forEach(
        (field, source) -> {
          HostTensor array = array(split, field, source);
          DType dtype = config.dtypes().get(field);
          sources.add(
              new ArrayFieldDataset.Source(
                  field,
                  array,
                  split + "." + field + ": " + source,
                  dtype == null ? array.dtype() : dtype));
        });
    return ArrayFieldDataset.of(sources);
  }

  /** The array a source names: {@code path} or {@code path#name}. */
  private HostTensor array(String split, String field, String source) {
    int hash = source.lastIndexOf('#');
    String file = hash < 0 ? source : source.substring(0, hash);
    String name = hash < 0 ? field : source.substring(hash + 1);
    Path path = baseDir.resolve(file);
    String shownAs = split + "." + field + ": " + file;
    String lower = file.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".npy")) {
      if (hash >= 0) {
        throw new DataFileException(
            shownAs + " is a .npy file, which holds one array; remove #" + name);
      }
      return NpyReader.read(path, shownAs);
    }
    if (lower.endsWith(".npz")) {
      return NpzReader.read(path, shownAs, name, cache);
    }
    if (lower.endsWith(".safetensors")) {
      SafetensorsContents contents = safetensors(path, shownAs);
      HostTensor tensor = contents.tensors().get(name);
      if (tensor == null) {
        throw new DataFileException(
            shownAs
                + " has no tensor '"
                + name
                + "'; its tensors are "
                + String.join(", ", contents.tensors().keySet())
                + " (choose one with "
                + file
                + "#<name>)");
      }
      return tensor;
    }
    throw new DataFileException(
        shownAs
            + ": unknown file type; supported: .npy, .npz (file.npz#array) and"
            + " .safetensors (file.safetensors#tensor); text tables are read by kind: table");
  }

  private SafetensorsContents safetensors(Path path, String shownAs) {
    SafetensorsContents contents = safetensors.get(path);
    if (contents != null) {
      return contents;
    }
    if (!Files.isRegularFile(path)) {
      throw new DataFileException(shownAs + ": no such file (resolved to " + path + ")");
    }
    try {
      contents = SafetensorsReader.read(path);
    } catch (CorruptCheckpointException e) {
      throw new DataFileException(shownAs + ": not a valid safetensors file: " + e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new DataFileException(shownAs + ": no such file");
    } catch (IOException e) {
      throw new DataFileException(shownAs + ": cannot be read: " + e.getMessage(), e);
    }
    safetensors.put(path, contents);
    return contents;
  }
}
