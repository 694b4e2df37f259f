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
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.format.internal.ChannelFile;
import ai.noether.core.format.th.ThReadLimits;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.store.DeferredCrcCheck;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the files of a committed checkpoint through its store: the model file of one model, its
 * optimizer file and the trainer file. Each file's size and CRC32C are checked against the store's
 * record when it is opened, every {@code .th} record against its CRC-32 while reading, and the
 * file's own {@code training_iteration} and {@code checkpoint_tag} against the store's record
 * ({@link FileMetadata}); a damaged file fails with a {@link CorruptFileException} naming its
 * absolute path and what disagrees.
 */
public final class CheckpointReader {
  private CheckpointReader() {}

  /**
   * Loads what a resume needs for the model {@code modelName}.
   *
   * @throws CheckpointNotFoundException if the checkpoint lacks the model or trainer file (e.g. a
   *     {@code best.*} checkpoint, which holds weights only), naming the files it has
   */
  public static LoadedCheckpoint forResume(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName) throws IOException {
    StoredFile modelFile = require(checkpoint, modelName, CheckpointFileKind.MODEL);
    Map<String, Object> model = read(store, checkpoint, modelFile);
    CheckpointLayout.version(model, checkpoint.stage() + "/" + modelFile.name().format());
    StoredFile trainerFile = require(checkpoint, modelName, CheckpointFileKind.TRAINER);
    Map<String, Object> trainer = read(store, checkpoint, trainerFile);
    TrainerStateFile.read(trainer, checkpoint.stage() + "/" + trainerFile.name().format())
        .foreignIteration();
    StoredFile optimFile = checkpoint.file(modelName, null, CheckpointFileKind.OPTIM).orElse(null);
    Map<String, Object> optimizer = null;
    Map<String, Object> schedule = Map.of();
    if (optimFile != null) {
      Map<String, Object> optim = read(store, checkpoint, optimFile);
      // Format 1 keys the state by parameter path; format 2 and Noether (Python) by PyTorch's
      // index.
      optimizer =
          CheckpointLayout.optimizerState(
              optim, checkpoint.stage() + "/" + optimFile.name().format());
      Object s = optim.get(CheckpointKeys.SCHEDULE);
      schedule = s == null ? Map.of() : subtree(optim, CheckpointKeys.SCHEDULE, optimFile);
    }
    return new LoadedCheckpoint(
        checkpoint, stateDict(model, checkpoint, modelName), trainer, optimizer, schedule);
  }

  /**
   * The weights in the model file of {@code modelName} (with {@code modelInfo}, e.g. {@code
   * ema=0.9999}, or null for the model itself).
   */
  public static Map<String, HostTensor> modelWeights(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName, String modelInfo)
      throws IOException {
    StoredFile file =
        checkpoint
            .file(modelName, modelInfo, CheckpointFileKind.MODEL)
            .orElseThrow(
                () ->
                    missing(
                        checkpoint,
                        modelName + (modelInfo == null ? "" : "_" + modelInfo),
                        CheckpointFileKind.MODEL));
    return stateDict(read(store, checkpoint, file), checkpoint, modelName);
  }

  /**
   * The whole tree of the model file of {@code modelName} (with {@code modelInfo}, or null for the
   * model itself): its {@code state_dict}, {@code model_config}, {@code extras} and metadata, read
   * and cross-checked like every file; for inference, which needs the extras beside the weights.
   *
   * @throws CheckpointNotFoundException if the checkpoint has no such model file, naming the files
   *     it has
   */
  public static Map<String, Object> modelFile(
      CheckpointStore store, StoredCheckpoint checkpoint, String modelName, String modelInfo)
      throws IOException {
    StoredFile file =
        checkpoint
            .file(modelName, modelInfo, CheckpointFileKind.MODEL)
            .orElseThrow(
                () ->
                    missing(
                        checkpoint,
                        modelName + (modelInfo == null ? "" : "_" + modelInfo),
                        CheckpointFileKind.MODEL));
    return read(store, checkpoint, file);
  }

  /**
   * The weights of a model file's tree ({@code state_dict}, or the root of a bare PyTorch state
   * dict), checked to hold tensors only.
   *
   * @param where names the file in messages
   */
  public static Map<String, HostTensor> stateDict(Map<String, Object> modelFile, String where) {
    Object weights =
        modelFile.containsKey(CheckpointKeys.STATE_DICT)
            ? modelFile.get(CheckpointKeys.STATE_DICT)
            : modelFile;
    Map<String, HostTensor> out = new LinkedHashMap<>();
    if (weights instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getValue() instanceof HostTensor t)) {
          throw new CorruptCheckpointException(
              where
                  + " holds a "
                  + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName())
                  + " under state_dict key '"
                  + e.getKey()
                  + "'; only tensors belong there");
        }
        out.put(String.valueOf(e.getKey()), t);
      }
      return out;
    }
    throw new CorruptCheckpointException(where + " has no state_dict dict");
  }

  /**
   * Checks every file of {@code checkpoint} against its recorded size and checksum and returns the
   * tree of its trainer file (cross-checked like every read): what a resume needs to know before
   * the model is built, such as the configuration that was running.
   *
   * @throws CheckpointNotFoundException if the checkpoint has no trainer file, naming the files it
   *     has
   * @throws CorruptFileException naming the first file that fails
   */
  public static Map<String, Object> verifiedTrainer(
      CheckpointStore store, StoredCheckpoint checkpoint) throws IOException {
    StoredFile trainerFile = trainerFileOf(checkpoint);
    for (StoredFile file : checkpoint.files()) {
      if (!file.equals(trainerFile)) {
        try {
          store.open(checkpoint, file).close(); // opening checks the size and checksum
        } catch (CorruptFileException e) {
          throw e;
        } catch (CorruptCheckpointException e) {
          throw new CorruptFileException(checkpoint, file, true, e.getMessage(), e);
        }
      }
    }
    return read(store, checkpoint, trainerFile);
  }

  /**
   * The checkpoint's trainer file; a checkpoint without one is refused, naming the files it has.
   */
  private static StoredFile trainerFileOf(StoredCheckpoint checkpoint) {
    return checkpoint.files().stream()
        .filter(f -> f.name().kind() == CheckpointFileKind.TRAINER)
        .findFirst()
        .orElseThrow(
            () ->
                missing(
                    checkpoint,
                    checkpoint.files().get(0).name().modelName(),
                    CheckpointFileKind.TRAINER));
  }

  /**
   * Reads every file of {@code checkpoint} completely, as the resume that follows will, and returns
   * the tree of its trainer file: what a resume needs to know before the model is built. Inside a
   * {@link VerifiedReads} scope the trees are kept for that resume, which then reads nothing again;
   * files are read in the order of {@link #verifiedTrainer}, so the same file is named first when
   * several are damaged.
   *
   * @throws CheckpointNotFoundException if the checkpoint has no trainer file, naming the files it
   *     has
   * @throws CorruptFileException naming the first file that fails
   */
  public static Map<String, Object> readForResume(
      CheckpointStore store, StoredCheckpoint checkpoint) throws IOException {
    StoredFile trainerFile = trainerFileOf(checkpoint);
    // Damaged bytes anywhere first, then the trainer file's own record, then the others': the order
    // in which the checks of verifiedTrainer name a failure.
    Map<StoredFile, Map.Entry<String, Map<String, Object>>> trees = new LinkedHashMap<>();
    for (StoredFile file : checkpoint.files()) {
      if (!file.equals(trainerFile)) {
        String location = store.location(checkpoint, file);
        trees.put(file, Map.entry(location, readBytes(store, checkpoint, file, location)));
      }
    }
    Map<String, Object> trainer = read(store, checkpoint, trainerFile);
    for (Map.Entry<StoredFile, Map.Entry<String, Map<String, Object>>> e : trees.entrySet()) {
      requireMetadata(e.getValue().getValue(), checkpoint, e.getKey(), e.getValue().getKey());
    }
    trees.put(trainerFile, Map.entry(store.location(checkpoint, trainerFile), trainer));
    VerifiedReads.keep(checkpoint, trees);
    return trainer;
  }

  /**
   * Reads every file of {@code checkpoint} completely, as a resume would: sizes and checksums,
   * every record, and each file's own iteration and tag against the store's record.
   *
   * @throws CorruptFileException naming the first file that fails
   */
  public static void readAll(CheckpointStore store, StoredCheckpoint checkpoint)
      throws IOException {
    // No store.verify first: opening a file through the store already checks its size and checksum.
    for (StoredFile file : checkpoint.files()) {
      read(store, checkpoint, file);
    }
  }

  private static StoredFile require(
      StoredCheckpoint checkpoint, String modelName, CheckpointFileKind kind) {
    return checkpoint
        .file(modelName, null, kind)
        .orElseThrow(() -> missing(checkpoint, modelName, kind));
  }

  private static CheckpointNotFoundException missing(
      StoredCheckpoint checkpoint, String model, CheckpointFileKind kind) {
    String files =
        checkpoint.files().stream().map(f -> f.name().format()).collect(Collectors.joining(", "));
    return new CheckpointNotFoundException(
        "checkpoint "
            + checkpoint.describe()
            + " of "
            + checkpoint.stage()
            + " has no "
            + kind.suffix()
            + " file for '"
            + model
            + "'"
            + (kind == CheckpointFileKind.MODEL
                ? ""
                : " (model-only checkpoints such as best.* cannot be resumed; resume from latest or an iteration, or start"
                    + " a new run from these weights with a previous-run initializer)")
            + "; its files: "
            + files);
  }

  /**
   * Reads one file: the store checks its recorded size and checksum, the {@code .th} reader each
   * record's CRC-32, then its own metadata is cross-checked with the store's record.
   *
   * @throws CorruptFileException naming the file's absolute path and what is wrong
   */
  static Map<String, Object> read(
      CheckpointStore store, StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    String location = store.location(checkpoint, file);
    Map<String, Object> verified = VerifiedReads.take(location, checkpoint, file);
    if (verified != null) {
      return verified; // read and cross-checked by this command already, by this method
    }
    Map<String, Object> tree = readBytes(store, checkpoint, file, location);
    requireMetadata(tree, checkpoint, file, location);
    return tree;
  }

  /** Reads one file, checking its bytes (size, checksum, records) but not yet its own metadata. */
  private static Map<String, Object> readBytes(
      CheckpointStore store, StoredCheckpoint checkpoint, StoredFile file, String location)
      throws IOException {
    try {
      return store instanceof FileCheckpointStore files && file.hasChecksum()
          ? readInOnePass(files, checkpoint, file, location)
          : readOpened(store, checkpoint, file, location);
    } catch (CorruptFileException e) {
      throw e;
    } catch (CorruptCheckpointException e) {
      throw new CorruptFileException(checkpoint, file, true, e.getMessage(), e);
    }
  }

  private static void requireMetadata(
      Map<String, Object> tree, StoredCheckpoint checkpoint, StoredFile file, String location) {
    try {
      FileMetadata.requireConsistent(tree, checkpoint, file, location);
    } catch (CorruptCheckpointException e) {
      throw new CorruptFileException(checkpoint, file, false, e.getMessage(), e);
    }
  }

  private static Map<String, Object> readOpened(
      CheckpointStore store, StoredCheckpoint checkpoint, StoredFile file, String location)
      throws IOException {
    try (FileChannel channel = ChannelFile.of(store.open(checkpoint, file))) {
      return ThReader.read(channel, location);
    }
  }

  /**
   * Reads a file of the file store with its CRC32C folded into the pass that checks the records'
   * CRC-32s, instead of a pass of its own when the file is opened: each byte is read once. Nothing
   * of the file is decoded before the whole file's checksum matched. When the read fails first (a
   * damaged directory or record), the store's check runs on its own, so that damaged bytes are
   * reported exactly as an open through the store reports them.
   */
  private static Map<String, Object> readInOnePass(
      FileCheckpointStore store, StoredCheckpoint checkpoint, StoredFile file, String location)
      throws IOException {
    try (DeferredCrcCheck opened = store.openDeferred(checkpoint, file)) {
      boolean[] checked = new boolean[1];
      try {
        return ThReader.read(
            opened.channel(),
            location,
            ThReadLimits.defaults(),
            crc -> {
              checked[0] = true;
              opened.requireCrc32c(crc);
            });
      } catch (IOException | RuntimeException e) {
        if (!checked[0]) {
          try {
            opened.requireCommittedContent();
          } catch (CorruptCheckpointException damaged) {
            damaged.addSuppressed(e);
            throw damaged;
          }
        }
        throw e;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> subtree(
      Map<String, Object> tree, String key, StoredFile file) {
    Object value = tree.get(key);
    if (!(value instanceof Map<?, ?>)) {
      throw new CorruptCheckpointException(
          file.name().format()
              + ": key '"
              + key
              + "' should hold a dict but holds "
              + (value == null ? "nothing" : value.getClass().getSimpleName()));
    }
    return (Map<String, Object>) value;
  }

  private static Map<String, HostTensor> stateDict(
      Map<String, Object> tree, StoredCheckpoint checkpoint, String model) {
    // Our model files hold the weights under state_dict; a bare PyTorch state dict is the root.
    Object weights =
        tree.containsKey(CheckpointKeys.STATE_DICT) ? tree.get(CheckpointKeys.STATE_DICT) : tree;
    if (!(weights instanceof Map<?, ?> map)) {
      throw new CorruptCheckpointException(
          "the model file of '"
              + model
              + "' in "
              + checkpoint.describe()
              + " has no state_dict dict");
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (e.getValue() instanceof HostTensor t) {
        out.put(String.valueOf(e.getKey()), t);
      } else {
        throw new CorruptCheckpointException(
            "the model file of '"
                + model
                + "' in "
                + checkpoint.describe()
                + " holds a "
                + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName())
                + " under state_dict key '"
                + e.getKey()
                + "'; only tensors belong there");
      }
    }
    return out;
  }
}
