package ai.noether.api.checkpoint;

import ai.noether.api.Nullable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Where a run's files live on a file system, and the one place that knows their names:
 *
 * <pre>
 * &lt;output_dir&gt;/&lt;run_id&gt;/&lt;stage_name&gt;/
 *   checkpoints/      the stage's checkpoint files ({@link CheckpointFileName}); the store's own files inside
 *   config.yaml       the resolved configuration of the stage's last start
 *   history.jsonl     the metrics logged, one JSON object a line
 *   plots/            the history's plots
 *   .started          when the stage first started training
 * </pre>
 *
 * A run without stages ({@link StageId#isStageless()}, as Noether in Python writes a run without
 * {@code stage_name}) keeps the same files in {@code <output_dir>/<run_id>/}. Run id and stage name
 * are validated, so every path this type returns lies inside {@code output_dir}.
 *
 * <p>Code that has a stage directory but no layout (a callback's work directory, a command's
 * argument) uses the static {@code ...In(Path stageDir)} forms; no other class spells these names.
 */
public record RunLayout(Path outputDir, StageId stage) {
  /** Name of the checkpoint directory inside a stage directory. */
  public static final String CHECKPOINTS = "checkpoints";

  /** Name of the metric history file in a stage directory. */
  public static final String HISTORY_FILE = "history.jsonl";

  /** Name of the resolved configuration file in a stage directory. */
  public static final String RESOLVED_CONFIG_FILE = "config.yaml";

  /** Name of the plots directory in a stage directory. */
  public static final String PLOTS_DIR = "plots";

  /** Name of the file holding the instant a stage first started, in its stage directory. */
  public static final String STARTED_FILE = ".started";

  /**
   * Directories Noether in Python keeps directly in a run trained without a stage, next to its
   * {@code checkpoints/}: its tracker's files and the link to the run it was resumed from. They are
   * not stages.
   */
  public static final Set<String> STAGELESS_RUN_DIRECTORIES =
      Set.of(CHECKPOINTS, "tracker", "ancestor");

  public RunLayout {
    Objects.requireNonNull(outputDir, "outputDir");
    Objects.requireNonNull(stage, "stage");
  }

  public static RunLayout of(Path outputDir, String runId, String stageName) {
    return new RunLayout(outputDir, new StageId(runId, stageName));
  }

  /** {@code <output_dir>/<run_id>}. */
  public Path runDir() {
    return runDir(outputDir, stage.runId());
  }

  /**
   * {@code <output_dir>/<run_id>/<stage_name>}; the run directory itself for a run without stages.
   */
  public Path stageDir() {
    return stage.isStageless() ? runDir() : runDir().resolve(stage.stageName());
  }

  /** {@code <output_dir>/<run_id>/<stage_name>/checkpoints}. */
  public Path checkpointDir() {
    return checkpointDirIn(stageDir());
  }

  /** The path of a checkpoint file in this stage. */
  public Path checkpointFile(CheckpointFileName name) {
    return checkpointDir().resolve(name.format());
  }

  /** {@code <stage dir>/history.jsonl}. */
  public Path historyFile() {
    return historyFileIn(stageDir());
  }

  /** {@code <stage dir>/config.yaml}. */
  public Path resolvedConfigFile() {
    return resolvedConfigFileIn(stageDir());
  }

  /** {@code <stage dir>/plots}. */
  public Path plotsDir() {
    return plotsDirIn(stageDir());
  }

  /** {@code <stage dir>/.started}. */
  public Path startedFile() {
    return startedFileIn(stageDir());
  }

  /**
   * {@code <output_dir>/<run_id>}, for a run id that is not (yet) known to be valid: resolved as
   * given.
   */
  public static Path runDir(Path outputDir, String runId) {
    return outputDir.resolve(runId);
  }

  /** {@code <stage dir>/checkpoints}. */
  public static Path checkpointDirIn(Path stageDir) {
    return stageDir.resolve(CHECKPOINTS);
  }

  /** {@code <stage dir>/history.jsonl}. */
  public static Path historyFileIn(Path stageDir) {
    return stageDir.resolve(HISTORY_FILE);
  }

  /** {@code <stage dir>/config.yaml}. */
  public static Path resolvedConfigFileIn(Path stageDir) {
    return stageDir.resolve(RESOLVED_CONFIG_FILE);
  }

  /** {@code <stage dir>/plots}. */
  public static Path plotsDirIn(Path stageDir) {
    return stageDir.resolve(PLOTS_DIR);
  }

  /** {@code <stage dir>/.started}. */
  public static Path startedFileIn(Path stageDir) {
    return stageDir.resolve(STARTED_FILE);
  }

  /**
   * The stage directory of a file in a stage's {@code checkpoints/}: two levels up from the file
   * (null if the path is too short).
   */
  public static @Nullable Path stageDirOfCheckpointFile(Path checkpointFile) {
    Path checkpoints = checkpointFile.toAbsolutePath().getParent();
    return checkpoints == null ? null : checkpoints.getParent();
  }

  /**
   * The {@code output_dir} of a stage directory {@code <output_dir>/<run_id>/<stage_name>} (null if
   * the path is too short): what a command that continues the stage names.
   */
  public static @Nullable Path outputDirOfStageDir(Path stageDir) {
    Path runDir = stageDir.toAbsolutePath().getParent();
    return runDir == null ? null : runDir.getParent();
  }

  /**
   * The relative location of a stage's checkpoints under {@code output_dir}, with {@code /}
   * separators and a trailing one: {@code <run_id>/<stage_name>/checkpoints/}, or {@code
   * <run_id>/checkpoints/} for a run without stages. Object stores prefix their keys with it.
   */
  public static String checkpointPrefix(StageId stage) {
    return stage.runId()
        + "/"
        + (stage.isStageless() ? "" : stage.stageName() + "/")
        + CHECKPOINTS
        + "/";
  }
}
