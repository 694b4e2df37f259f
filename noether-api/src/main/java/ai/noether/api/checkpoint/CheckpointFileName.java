package ai.noether.api.checkpoint;

import ai.noether.api.Nullable;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A checkpoint file name in Noether's form {@code
 * {model_name}[_{model_info}]_cp={checkpoint}_{model|optim|trainer}.th}, for example {@code
 * mlp_cp=E10_U100_S200_model.th} or {@code mlp_ema=0.9999_cp=latest_model.th}.
 *
 * <p>{@link #format()} and {@link #parse(String)} are inverse: model names cannot contain {@code =}
 * and model info cannot contain {@code _} (see {@link Names}), so the last {@code _} before the
 * first {@code =} separates the two unambiguously.
 *
 * @param modelName the model (or, for trainer files, the trainer) name; never null
 * @param modelInfo variant such as {@code ema=0.9999}; null when absent
 * @param tag the checkpoint tag; never null
 * @param kind which part of the checkpoint; never null
 */
public record CheckpointFileName(
    String modelName, @Nullable String modelInfo, CheckpointTag tag, CheckpointFileKind kind) {
  /** The extension of every checkpoint file. */
  public static final String EXTENSION = ".th";

  private static final String CP = "_cp=";

  public CheckpointFileName {
    Names.requireModelName(modelName);
    if (modelInfo != null) {
      Names.requireModelInfo(modelInfo);
    }
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(kind, "kind");
  }

  /** A name without model info. */
  public static CheckpointFileName of(
      String modelName, CheckpointTag tag, CheckpointFileKind kind) {
    return new CheckpointFileName(modelName, null, tag, kind);
  }

  /** The same file for another tag (e.g. the {@code latest} twin of an iteration file). */
  public CheckpointFileName withTag(CheckpointTag newTag) {
    return new CheckpointFileName(modelName, modelInfo, newTag, kind);
  }

  /** The file name. */
  public String format() {
    return prefix() + CP + tag.token() + "_" + kind.suffix() + EXTENSION;
  }

  /** The part of the name before {@code _cp=}: {@code {model_name}[_{model_info}]}. */
  public String prefix() {
    return prefix(modelName, modelInfo);
  }

  /**
   * The part of a file name before {@code _cp=} for this model and model info (null for none).
   * Comparing prefixes rather than parsed parts also finds files written by Noether in Python whose
   * model info contains {@code _} (e.g. {@code ema_factor=0.9999}), which {@link #parse} splits
   * differently.
   */
  public static String prefix(String modelName, @Nullable String modelInfo) {
    return modelInfo == null ? modelName : modelName + "_" + modelInfo;
  }

  /**
   * The spellings of {@code modelInfo} that name the same variant, the given one first. EMA weights
   * are {@code ema=0.9999} in the files Noether in Python (and this framework) writes, but {@code
   * ema_factor=0.9999} in Noether's documentation; a user may write either, and files of either
   * spelling are found. Any other model info has only itself; null has only null.
   *
   * @return never empty; unmodifiable
   */
  public static List<String> modelInfoSpellings(@Nullable String modelInfo) {
    if (modelInfo != null) {
      if (modelInfo.startsWith(EMA)) {
        return List.of(modelInfo, EMA_FACTOR + modelInfo.substring(EMA.length()));
      }
      if (modelInfo.startsWith(EMA_FACTOR)) {
        return List.of(modelInfo, EMA + modelInfo.substring(EMA_FACTOR.length()));
      }
    }
    return Collections.singletonList(modelInfo);
  }

  private static final String EMA = "ema=";
  private static final String EMA_FACTOR = "ema_factor=";

  /** True if {@code fileName} looks like a checkpoint file (it may still fail to parse). */
  public static boolean looksLikeCheckpointFile(String fileName) {
    return fileName.endsWith(EXTENSION) && fileName.contains(CP);
  }

  /**
   * Parses a file name.
   *
   * @throws InvalidNameException saying which part is wrong
   */
  public static CheckpointFileName parse(String fileName) {
    if (!fileName.endsWith(EXTENSION)) {
      throw new InvalidNameException(
          "'" + fileName + "' is not a checkpoint file: it must end in " + EXTENSION);
    }
    String stem = fileName.substring(0, fileName.length() - EXTENSION.length());
    CheckpointFileKind kind = null;
    for (CheckpointFileKind k : CheckpointFileKind.values()) {
      if (stem.endsWith("_" + k.suffix())) {
        kind = k;
        stem = stem.substring(0, stem.length() - k.suffix().length() - 1);
        break;
      }
    }
    if (kind == null) {
      throw new InvalidNameException(
          "'"
              + fileName
              + "' is not a checkpoint file: it must end in _model.th, _optim.th or _trainer.th");
    }
    int cp = stem.indexOf(CP);
    if (cp < 0) {
      throw new InvalidNameException(
          "'" + fileName + "' is not a checkpoint file: the '_cp={checkpoint}' part is missing");
    }
    String prefix = stem.substring(0, cp);
    CheckpointTag tag = CheckpointTag.parse(stem.substring(cp + CP.length()));
    String modelName = prefix;
    String modelInfo = null;
    int eq = prefix.indexOf('=');
    if (eq >= 0) {
      int split = prefix.lastIndexOf('_', eq);
      if (split <= 0) {
        throw new InvalidNameException(
            "'" + fileName + "': model info '" + prefix + "' has no model name before it");
      }
      modelName = prefix.substring(0, split);
      modelInfo = prefix.substring(split + 1);
    }
    return new CheckpointFileName(modelName, modelInfo, tag, kind);
  }

  @Override
  public String toString() {
    return format();
  }
}
