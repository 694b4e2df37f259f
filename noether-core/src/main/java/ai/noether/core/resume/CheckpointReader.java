package ai.noether.core.resume;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.CheckpointLayout;
import ai.noether.core.format.th.ThReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the files of a committed checkpoint through its store: the model file of one model, its
 * optimizer file and the trainer file. Every {@code .th} record is checked against its CRC-32 while
 * reading; a damaged file fails with a {@link CorruptCheckpointException} naming file and record.
 */
public final class CheckpointReader {
  private CheckpointReader() {}

  /**
   * Loads what a resume needs for the model {@code modelName}.
   *
   * @throws CheckpointNotFoundException if the checkpoint lacks the model or trainer file (e.g. a
   *     {@code best.*} checkpoint, which holds weights only), naming the files it has
   */
  public static LoadedCheckpoint forResume(CheckpointStore store, StoredCheckpoint checkpoint, String modelName)
      throws IOException {
    StoredFile modelFile = require(checkpoint, modelName, CheckpointFileKind.MODEL);
    Map<String, Object> model = read(store, checkpoint, modelFile);
    CheckpointLayout.version(model, checkpoint.stage() + "/" + modelFile.name().format());
    StoredFile trainerFile = require(checkpoint, modelName, CheckpointFileKind.TRAINER);
    Map<String, Object> trainer = read(store, checkpoint, trainerFile);
    CheckpointLayout.foreignIteration(trainer, checkpoint.stage() + "/" + trainerFile.name().format());
    StoredFile optimFile = checkpoint.file(modelName, null, CheckpointFileKind.OPTIM).orElse(null);
    Map<String, Object> optimizer = null;
    Map<String, Object> schedule = Map.of();
    if (optimFile != null) {
      Map<String, Object> optim = read(store, checkpoint, optimFile);
      // Format 1 keys the state by parameter path; format 2 and Noether (Python) by PyTorch's index.
      optimizer = CheckpointLayout.optimizerState(optim, checkpoint.stage() + "/" + optimFile.name().format());
      Object s = optim.get(CheckpointKeys.SCHEDULE);
      schedule = s == null ? Map.of() : subtree(optim, CheckpointKeys.SCHEDULE, optimFile);
    }
    return new LoadedCheckpoint(checkpoint, stateDict(model, checkpoint, modelName), trainer, optimizer, schedule);
  }

  /**
   * The weights in the model file of {@code modelName} (with {@code modelInfo}, e.g.
   * {@code ema=0.9999}, or null for the model itself).
   */
  public static Map<String, HostTensor> modelWeights(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName, String modelInfo) throws IOException {
    StoredFile file = checkpoint.file(modelName, modelInfo, CheckpointFileKind.MODEL)
        .orElseThrow(() -> missing(checkpoint, modelName + (modelInfo == null ? "" : "_" + modelInfo), CheckpointFileKind.MODEL));
    return stateDict(read(store, checkpoint, file), checkpoint, modelName);
  }

  private static StoredFile require(StoredCheckpoint checkpoint, String modelName, CheckpointFileKind kind) {
    return checkpoint.file(modelName, null, kind).orElseThrow(() -> missing(checkpoint, modelName, kind));
  }

  private static CheckpointNotFoundException missing(StoredCheckpoint checkpoint, String model, CheckpointFileKind kind) {
    String files = checkpoint.files().stream().map(f -> f.name().format()).collect(Collectors.joining(", "));
    return new CheckpointNotFoundException("checkpoint " + checkpoint.describe() + " of " + checkpoint.stage()
        + " has no " + kind.suffix() + " file for '" + model + "'" + (kind == CheckpointFileKind.MODEL ? ""
        : " (model-only checkpoints such as best.* cannot be resumed; resume from latest or an iteration, or start"
            + " a new run from these weights with a previous-run initializer)")
        + "; its files: " + files);
  }

  private static Map<String, Object> read(CheckpointStore store, StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    try (FileChannel channel = store.open(checkpoint, file)) {
      return ThReader.read(channel, checkpoint.stage() + "/" + file.name().format());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> subtree(Map<String, Object> tree, String key, StoredFile file) {
    Object value = tree.get(key);
    if (!(value instanceof Map<?, ?>)) {
      throw new CorruptCheckpointException(file.name().format() + ": key '" + key + "' should hold a dict but holds "
          + (value == null ? "nothing" : value.getClass().getSimpleName()));
    }
    return (Map<String, Object>) value;
  }

  private static Map<String, HostTensor> stateDict(Map<String, Object> tree, StoredCheckpoint checkpoint, String model) {
    // Our model files hold the weights under state_dict; a bare PyTorch state dict is the root.
    Object weights = tree.containsKey(CheckpointKeys.STATE_DICT) ? tree.get(CheckpointKeys.STATE_DICT) : tree;
    if (!(weights instanceof Map<?, ?> map)) {
      throw new CorruptCheckpointException("the model file of '" + model + "' in " + checkpoint.describe()
          + " has no state_dict dict");
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getValue() instanceof HostTensor t) {
        out.put(String.valueOf(e.getKey()), t);
      } else {
        throw new CorruptCheckpointException("the model file of '" + model + "' in " + checkpoint.describe()
            + " holds a " + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName())
            + " under state_dict key '" + e.getKey() + "'; only tensors belong there");
      }
    }
    return out;
  }
}
