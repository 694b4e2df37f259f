package ai.noether.initializers.previousrun;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.initializers.mapping.KeyMapping;
import ai.noether.initializers.mapping.RenamePattern;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Configuration of the {@code previous-run} initializer: which stored model file to take the
 * weights from, and how its keys map onto the new model.
 *
 * <pre>{@code
 * model:
 *   name: classifier
 *   kind: mlp
 *   hidden_sizes: [64, 64]
 *   output_size: 3
 *   initializers:
 *     - kind: previous-run
 *       run_id: 260301-101500-a1b2
 *       model_name: regressor            # default: this model's name
 *       stage_name: pretrain             # default: the run's only stage
 *       checkpoint_tag: best.loss/valid  # default: latest; Noether (Python): best_model.loss.valid
 *       model_info: ema=0.9999           # default: none (the trained weights themselves)
 *       patterns_to_keep_initialized: ["head.*"]
 * }</pre>
 *
 * @param runId the run to take weights from; required
 * @param modelName the model name in that run's file names; null for this model's own name
 * @param stageName the stage of that run; null for its only stage (other than the stage being
 *     trained, when it is the same run); {@code ""} for the checkpoints of a run trained without a
 *     stage ({@code <run_id>/checkpoints/}, as Noether in Python writes it without a stage name)
 * @param checkpointTag {@code latest} (the default), {@code last}, {@code best.<metric>}, Noether
 *     (Python)'s {@code best_model.<metric>} and {@code best_model.<metric>.tolerance=<n>} (the
 *     metric key with {@code /} or {@code .}; {@code best.<metric>} finds {@code
 *     best_model.<metric>} too), {@code E10_U100_S200}, one counter ({@code E10}, {@code U100},
 *     {@code S200}) or an emergency tag ({@code E3_U1234_S39488.signal}); never null after
 *     construction
 * @param modelInfo the variant in the file name, e.g. {@code ema=0.9999}; null for the model's own
 *     weights. EMA weights are found under either spelling: Noether (Python) writes {@code
 *     ema=0.9999} into file names, its documentation says {@code ema_factor=0.9999}
 * @param outputDir where that run lives; null for this run's {@code output_dir}. A relative path
 *     resolves against the working directory
 * @param keysToRemove globs of stored keys to drop before renaming; never null after construction
 * @param patternsToRename regex renames applied in order to every stored key; never null after
 *     construction
 * @param patternsToKeepInitialized globs of model keys that keep their fresh values (e.g. a new
 *     head); never null after construction
 * @param strict when true (the default), any missing, unexpected or differently shaped key fails
 *     before anything is copied; when false the matching keys are copied and the rest logged
 * @param castDtypes when true, float16 and bfloat16 weights load into float32 parameters, converted
 *     exactly ({@link ai.noether.initializers.mapping.DTypeCast}); when false (the default) they
 *     are mismatches, as any other difference of type
 */
public record PreviousRunInitializerConfig(
    String runId,
    @Nullable String modelName,
    @Nullable String stageName,
    String checkpointTag,
    @Nullable String modelInfo,
    @Nullable String outputDir,
    List<String> keysToRemove,
    List<RenamePattern> patternsToRename,
    List<String> patternsToKeepInitialized,
    Boolean strict,
    Boolean castDtypes) {

  /** The default of {@code checkpoint_tag}. */
  public static final String DEFAULT_CHECKPOINT_TAG = "latest";

  /**
   * Applies the defaults and checks every value.
   *
   * @throws IllegalArgumentException naming the key whose value is not valid
   */
  public PreviousRunInitializerConfig {
    if (runId == null) {
      throw new IllegalArgumentException(
          "run_id is required: the id of the run whose weights initialise this model");
    }
    name("run_id", runId, Names::requireRunId);
    if (modelName != null) {
      name("model_name", modelName, Names::requireModelName);
    }
    if (stageName != null && !stageName.equals(StageId.NO_STAGE)) {
      name("stage_name", stageName, Names::requireStageName);
    }
    checkpointTag = checkpointTag == null ? DEFAULT_CHECKPOINT_TAG : checkpointTag.strip();
    name("checkpoint_tag", checkpointTag, CheckpointSelector::parse);
    if (modelInfo != null) {
      requireModelInfo(modelInfo);
    }
    if (outputDir != null && outputDir.isBlank()) {
      throw new IllegalArgumentException(
          "output_dir is empty; leave it out to use this run's output_dir");
    }
    if (outputDir != null) {
      name("output_dir", outputDir, v -> StoreLocation.parse(v, Path.of("")));
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
  public PreviousRunInitializerConfig(
      String runId,
      String modelName,
      String stageName,
      String checkpointTag,
      String modelInfo,
      String outputDir,
      List<String> keysToRemove,
      List<RenamePattern> patternsToRename,
      List<String> patternsToKeepInitialized,
      Boolean strict) {
    this(
        runId,
        modelName,
        stageName,
        checkpointTag,
        modelInfo,
        outputDir,
        keysToRemove,
        patternsToRename,
        patternsToKeepInitialized,
        strict,
        false);
  }

  /** The checkpoint {@link #checkpointTag} selects. */
  public CheckpointSelector selector() {
    return CheckpointSelector.parse(checkpointTag);
  }

  /** The key mapping of the three pattern lists. */
  public KeyMapping keyMapping() {
    return KeyMapping.of(keysToRemove, patternsToRename, patternsToKeepInitialized);
  }

  /**
   * {@link #outputDir} as a store location (a directory or a URI such as {@code s3://bucket/runs}),
   * if set.
   */
  public @Nullable StoreLocation outputLocation() {
    return outputDir == null ? null : StoreLocation.parse(outputDir, Path.of(""));
  }

  private static void name(String key, String value, Function<String, ?> check) {
    try {
      var unused = check.apply(value); // called for the exception it throws on an invalid name
    } catch (NoetherException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Model info becomes part of a file name that is looked up, never created: letters, digits and
   * {@code . , = + - _}, with a {@code =}. The {@code _} that this framework's own names forbid is
   * accepted because Noether (Python) writes it ({@code ema_factor=0.9999}).
   */
  private static void requireModelInfo(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || ".,=+-_".indexOf(c) >= 0;
      if (!ok) {
        throw new IllegalArgumentException(
            "model_info '"
                + value
                + "' contains '"
                + c
                + "' at position "
                + i
                + "; allowed are letters, digits and . , = + - _ (for example ema=0.9999)");
      }
    }
    if (value.indexOf('=') < 0) {
      throw new IllegalArgumentException(
          "model_info '" + value + "' must have the form key=value, for example ema=0.9999");
    }
  }
}
