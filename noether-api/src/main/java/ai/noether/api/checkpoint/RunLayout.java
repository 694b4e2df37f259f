package ai.noether.api.checkpoint;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a stage's files live on a file system:
 * {@code <output_dir>/<run_id>/<stage_name>/checkpoints/}, or
 * {@code <output_dir>/<run_id>/checkpoints/} for a run without stages
 * ({@link StageId#isStageless()}). Run id and stage name are validated, so every path this type
 * returns lies inside {@code output_dir}.
 */
public record RunLayout(Path outputDir, StageId stage) {
  /** Name of the checkpoint directory inside a stage directory. */
  public static final String CHECKPOINTS = "checkpoints";

  public RunLayout {
    Objects.requireNonNull(outputDir, "outputDir");
    Objects.requireNonNull(stage, "stage");
  }

  public static RunLayout of(Path outputDir, String runId, String stageName) {
    return new RunLayout(outputDir, new StageId(runId, stageName));
  }

  /** {@code <output_dir>/<run_id>}. */
  public Path runDir() {
    return outputDir.resolve(stage.runId());
  }

  /** {@code <output_dir>/<run_id>/<stage_name>}; the run directory itself for a run without stages. */
  public Path stageDir() {
    return stage.isStageless() ? runDir() : runDir().resolve(stage.stageName());
  }

  /** {@code <output_dir>/<run_id>/<stage_name>/checkpoints}. */
  public Path checkpointDir() {
    return stageDir().resolve(CHECKPOINTS);
  }

  /** The path of a checkpoint file in this stage. */
  public Path checkpointFile(CheckpointFileName name) {
    return checkpointDir().resolve(name.format());
  }
}
