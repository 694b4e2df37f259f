package ai.noether.core.checkpoint;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.ModelSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays a snapshot out as Noether's files:
 *
 * <ul>
 *   <li>{@code {model}[_{info}]_cp={tag}_model.th} per model and variant: {@code state_dict} plus
 *       metadata ({@code checkpoint_tag}, {@code training_iteration}, {@code run_id}, {@code
 *       stage_name}, {@code model_config}, {@code extras});
 *   <li>{@code {model}_cp={tag}_optim.th} per optimized model: PyTorch's optimizer state dict
 *       ({@code state} by parameter index, {@code param_groups}) with {@code param_idx_to_name}, as
 *       Noether (Python) writes it (see {@link TorchOptimizerStateDict}), plus {@code
 *       optimizer_kind} and the {@code schedule} state;
 *   <li>{@code {first model}_cp={tag}_trainer.th}: counters, data position, callback states (by key
 *       under {@code callbacks}, and as Noether (Python)'s list {@code callback_state_dicts}), the
 *       resolved config, laid out by {@link TrainerStateFile}.
 * </ul>
 *
 * <p>Format version 1 (the optimizer state keyed by parameter path under {@code optimizer}, no
 * {@code callback_state_dicts}) can still be written for tests of the reader; see {@link
 * CheckpointLayout} for what each version holds.
 */
public final class CheckpointContents {
  /**
   * Written into every file; raised when the layout of the trees changes incompatibly. 2: the
   * optimizer file in PyTorch's layout and {@code callback_state_dicts} in the trainer file.
   */
  public static final long FORMAT_VERSION = 2;

  private final StageId stage;
  private final CheckpointEncoder encoder;
  private final long writeVersion;

  public CheckpointContents(StageId stage, CheckpointEncoder encoder) {
    this(stage, encoder, FORMAT_VERSION);
  }

  /**
   * Contents written in an older layout, which readers of that version understand.
   *
   * @param writeVersion 1 or {@link #FORMAT_VERSION}
   */
  public CheckpointContents(StageId stage, CheckpointEncoder encoder, long writeVersion) {
    if (writeVersion < CheckpointLayout.OLDEST_READABLE || writeVersion > FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "checkpoint format version "
              + writeVersion
              + " cannot be written; versions "
              + CheckpointLayout.OLDEST_READABLE
              + " to "
              + FORMAT_VERSION
              + " can");
    }
    this.stage = stage;
    this.encoder = encoder;
    this.writeVersion = writeVersion;
  }

  /** All files of a resumable checkpoint. */
  public List<CheckpointFile> resumable(CheckpointTag tag, TrainingSnapshot snapshot) {
    List<CheckpointFile> files =
        new ArrayList<>(
            models(
                tag,
                snapshot.iteration(),
                snapshot.models(),
                snapshot.modelConfigs(),
                snapshot.extras()));
    for (Map.Entry<String, Map<String, Object>> optimizer : snapshot.optimizers().entrySet()) {
      Map<String, Object> tree = metadata(tag, snapshot.iteration());
      if (writeVersion == 1 || !TorchOptimizerStateDict.convertible(optimizer.getValue())) {
        // An optimizer plugin whose state has no parameter groups keeps our layout.
        tree.put(CheckpointKeys.OPTIMIZER, optimizer.getValue());
      } else {
        // PyTorch's keys first, so that the file reads like torch.optim's own state dict.
        Map<String, Object> torch =
            TorchOptimizerStateDict.fromNoether(
                optimizer.getValue(), snapshot.lrScales().getOrDefault(optimizer.getKey(), 1.0));
        torch.putAll(tree);
        tree = torch;
      }
      tree.put(
          CheckpointKeys.SCHEDULE, snapshot.schedules().getOrDefault(optimizer.getKey(), Map.of()));
      files.add(
          encoder.encode(
              CheckpointFileName.of(optimizer.getKey(), tag, CheckpointFileKind.OPTIM), tree));
    }
    Map<String, Object> trainer =
        TrainerStateFile.fileTree(
            metadata(tag, snapshot.iteration()), snapshot.trainer(), writeVersion);
    files.add(
        encoder.encode(
            CheckpointFileName.of(snapshot.primaryModelName(), tag, CheckpointFileKind.TRAINER),
            trainer));
    return files;
  }

  /** Model files only (for tags such as {@code best.*}). */
  public List<CheckpointFile> models(
      CheckpointTag tag,
      TrainingIteration iteration,
      List<ModelSnapshot> models,
      Map<String, Map<String, Object>> modelConfigs,
      Map<String, Object> extras) {
    List<CheckpointFile> files = new ArrayList<>();
    for (ModelSnapshot model : models) {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put(CheckpointKeys.STATE_DICT, new LinkedHashMap<>(model.stateDict()));
      tree.putAll(metadata(tag, iteration));
      tree.put(CheckpointKeys.MODEL_CONFIG, modelConfigs.getOrDefault(model.modelName(), Map.of()));
      tree.put(CheckpointKeys.EXTRAS, extras);
      files.add(
          encoder.encode(
              new CheckpointFileName(
                  model.modelName(), model.modelInfo(), tag, CheckpointFileKind.MODEL),
              tree));
    }
    return files;
  }

  private Map<String, Object> metadata(CheckpointTag tag, TrainingIteration iteration) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put(CheckpointKeys.CHECKPOINT_TAG, tag.token());
    tree.put(CheckpointKeys.TRAINING_ITERATION, iterationTree(iteration));
    tree.put(CheckpointKeys.RUN_ID, stage.runId());
    tree.put(CheckpointKeys.STAGE_NAME, stage.stageName());
    tree.put(CheckpointKeys.FORMAT_VERSION, writeVersion);
    return tree;
  }

  /** {@code {epoch, update, sample}} as stored in files. */
  public static Map<String, Object> iterationTree(TrainingIteration iteration) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put(CheckpointKeys.EPOCH, iteration.epoch());
    tree.put(CheckpointKeys.UPDATE, iteration.update());
    tree.put(CheckpointKeys.SAMPLE, iteration.sample());
    return tree;
  }
}
