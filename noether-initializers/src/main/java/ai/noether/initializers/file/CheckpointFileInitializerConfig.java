package ai.noether.initializers.file;

import ai.noether.api.Nullable;
import ai.noether.initializers.mapping.KeyMapping;
import ai.noether.initializers.mapping.RenamePattern;
import java.nio.file.Path;
import java.util.List;

/**
 * Configuration of the {@code checkpoint-file} initializer: one weights file and how its keys map
 * onto the model.
 *
 * <pre>{@code
 * model:
 *   name: regressor
 *   kind: mlp
 *   hidden_sizes: [64, 64]
 *   initializers:
 *     - kind: checkpoint-file
 *       path: pretrained/regressor.pt        # torch.save({"model_state_dict": ..., "epoch": 3}, ...)
 *       state_dict_key: model_state_dict
 *       patterns_to_rename:
 *         - {from: '^net\.(\d+)\.', to: 'layers.$1.'}
 * }</pre>
 *
 * @param path the file: a Noether {@code _model.th} file, a {@code torch.save}d state dict (or a
 *     dict holding one), or a safetensors file, told apart by content. Relative paths resolve
 *     against the working directory. Required
 * @param stateDictKey for PyTorch files, the top-level key whose dict is the state dict (e.g.
 *     {@code model_state_dict}); null to take {@code state_dict} if there is one, else the root
 * @param keysToRemove globs of stored keys to drop before renaming; never null after construction
 * @param patternsToRename regex renames applied in order to every stored key; never null after
 *     construction
 * @param patternsToKeepInitialized globs of model keys that keep their fresh values; never null
 *     after construction
 * @param strict when true (the default), any missing, unexpected or differently shaped key fails
 *     before anything is copied; when false the matching keys are copied and the rest logged
 * @param castDtypes when true, float16 and bfloat16 weights load into float32 parameters, converted
 *     exactly ({@link ai.noether.initializers.mapping.DTypeCast}); when false (the default) they
 *     are mismatches, as any other difference of type
 */
public record CheckpointFileInitializerConfig(
    String path,
    @Nullable String stateDictKey,
    List<String> keysToRemove,
    List<RenamePattern> patternsToRename,
    List<String> patternsToKeepInitialized,
    Boolean strict,
    Boolean castDtypes) {

  /**
   * Applies the defaults and checks every value.
   *
   * @throws IllegalArgumentException naming the key whose value is not valid
   */
  public CheckpointFileInitializerConfig {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(
          "path is required: the weights file, e.g. path: pretrained/model.pt");
    }
    if (stateDictKey != null && stateDictKey.isEmpty()) {
      throw new IllegalArgumentException(
          "state_dict_key is empty; leave it out to use the file's root or its state_dict");
    }
    keysToRemove = KeyMapping.listOf(keysToRemove, KeyMapping.KEYS_TO_REMOVE);
    patternsToRename = KeyMapping.listOf(patternsToRename, KeyMapping.PATTERNS_TO_RENAME);
    patternsToKeepInitialized =
        KeyMapping.listOf(patternsToKeepInitialized, KeyMapping.PATTERNS_TO_KEEP_INITIALIZED);
    KeyMapping.of(keysToRemove, patternsToRename, patternsToKeepInitialized);
    strict = strict == null ? Boolean.TRUE : strict;
    castDtypes = castDtypes == null ? Boolean.FALSE : castDtypes;
  }

  /** Without {@code cast_dtypes} (false). */
  public CheckpointFileInitializerConfig(
      String path,
      String stateDictKey,
      List<String> keysToRemove,
      List<RenamePattern> patternsToRename,
      List<String> patternsToKeepInitialized,
      Boolean strict) {
    this(
        path,
        stateDictKey,
        keysToRemove,
        patternsToRename,
        patternsToKeepInitialized,
        strict,
        false);
  }

  /** {@link #path} resolved against the working directory. */
  public Path resolvedPath() {
    return Path.of(path).toAbsolutePath().normalize();
  }

  /** The key mapping of the three pattern lists. */
  public KeyMapping keyMapping() {
    return KeyMapping.of(keysToRemove, patternsToRename, patternsToKeepInitialized);
  }
}
