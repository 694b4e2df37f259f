package ai.noether.core.checkpoint;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.UnsupportedCheckpointFormatException;
import java.util.Map;

/**
 * Reads the layouts of checkpoint files that this build understands, chosen by the file's {@code
 * noether_format_version}:
 *
 * <ul>
 *   <li><b>1</b> — the optimizer file holds our optimizer state under {@code optimizer}, keyed by
 *       parameter path;
 *   <li><b>2</b> ({@link CheckpointContents#FORMAT_VERSION}) — the optimizer file is PyTorch's
 *       optimizer state dict with {@code param_idx_to_name} (see {@link TorchOptimizerStateDict});
 *       the trainer file also holds {@code callback_state_dicts};
 *   <li><b>none</b> — a file of Noether (Python) or PyTorch: the optimizer file is PyTorch's state
 *       dict with {@code param_idx_to_name}, the trainer file has {@code training_iteration} and
 *       {@code callback_state_dicts} but none of our keys.
 * </ul>
 *
 * A newer version than this build knows is refused with an error naming the file and the versions,
 * never guessed at.
 */
public final class CheckpointLayout {
  /** The oldest version this build reads. */
  public static final long OLDEST_READABLE = 1;

  /**
   * What {@link #version} returns for a file without our version key (Noether (Python), PyTorch).
   */
  public static final long FOREIGN = 0;

  private CheckpointLayout() {}

  /**
   * The file's format version, or {@link #FOREIGN} when it has none.
   *
   * @param file the file's name, for messages
   * @throws UnsupportedCheckpointFormatException when the version is newer than this build reads,
   *     or not a version at all
   */
  public static long version(Map<String, Object> tree, String file) {
    if (!tree.containsKey(CheckpointKeys.FORMAT_VERSION)) {
      return FOREIGN;
    }
    Object v = tree.get(CheckpointKeys.FORMAT_VERSION);
    if (!(v instanceof Long version) || version < OLDEST_READABLE) {
      throw new UnsupportedCheckpointFormatException(
          file
              + " has "
              + CheckpointKeys.FORMAT_VERSION
              + " "
              + v
              + ", which is not a checkpoint format version; this build reads versions "
              + OLDEST_READABLE
              + " to "
              + CheckpointContents.FORMAT_VERSION);
    }
    if (version > CheckpointContents.FORMAT_VERSION) {
      throw new UnsupportedCheckpointFormatException(
          file
              + " was written in checkpoint format version "
              + version
              + " by a newer Noether for the JVM; this build reads versions "
              + OLDEST_READABLE
              + " to "
              + CheckpointContents.FORMAT_VERSION
              + ". Resume it with a newer build.");
    }
    return version;
  }

  /** True for a file without our version key: written by Noether (Python) or PyTorch. */
  public static boolean isForeign(Map<String, Object> tree, String file) {
    return version(tree, file) == FOREIGN;
  }

  /**
   * The optimizer state of an optimizer file in our in-memory layout (keyed by parameter path),
   * whatever the file's version.
   *
   * @throws CorruptCheckpointException naming the file and key when the layout is broken
   * @throws UnsupportedCheckpointFormatException for a newer version
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> optimizerState(Map<String, Object> optimFile, String file) {
    // Format 2 keeps our layout for an optimizer plugin whose state has no parameter groups.
    if (version(optimFile, file) == 1
        || (version(optimFile, file) > 1
            && optimFile.containsKey(CheckpointKeys.OPTIMIZER)
            && !optimFile.containsKey(CheckpointKeys.OPTIMIZER_STATE))) {
      Object value = optimFile.get(CheckpointKeys.OPTIMIZER);
      if (!(value instanceof Map<?, ?>)) {
        throw new CorruptCheckpointException(
            file
                + ": key '"
                + CheckpointKeys.OPTIMIZER
                + "' should hold a dict but holds "
                + (value == null ? "nothing" : value.getClass().getSimpleName()));
      }
      return (Map<String, Object>) value;
    }
    return TorchOptimizerStateDict.toNoether(optimFile, file);
  }
}
