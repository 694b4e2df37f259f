package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import java.nio.file.Path;

/**
 * The command that continues a stage, ready to paste into a shell: the stage directory is {@code
 * <output_dir>/<run_id>/<stage_name>}, so the output directory is named too.
 */
final class ResumeCommandLine {
  private final StageId stage;
  private final Path stageDir;
  private final @Nullable String outputLocation;

  /**
   * @param outputLocation {@code output_dir} as given; null to derive it from the stage directory
   */
  ResumeCommandLine(StageId stage, Path stageDir, @Nullable String outputLocation) {
    this.stage = stage;
    this.stageDir = stageDir;
    this.outputLocation = outputLocation;
  }

  /**
   * @param checkpoint the tag to resume from, or null for the stage's latest checkpoint
   */
  String forCheckpoint(@Nullable String checkpoint) {
    Object outputDir =
        outputLocation != null ? outputLocation : RunLayout.outputDirOfStageDir(stageDir);
    return "./noether resume "
        + stage.runId()
        + " --stage "
        + stage.stageName()
        + (outputDir == null ? "" : " --output-dir " + outputDir)
        + (checkpoint == null ? "" : " --checkpoint " + checkpoint);
  }
}
