package ai.noether.core.resume;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The answer to a resume of a stage that exists but has no checkpoint: a job stopped before its
 * first save. A resume cannot help there; the same {@code train} command with {@code
 * --resume-if-exists} can, so both the {@code resume} command and a configuration with resume keys
 * point at it with the same words.
 */
public final class NothingToResume {
  private NothingToResume() {}

  /**
   * The error for resuming {@code stage}, when it exists in {@code store} without any checkpoint;
   * empty otherwise (the stage is missing, or has checkpoints).
   *
   * @param trainingStage the stage name of the run that asked; the hint names {@code stage_name}
   *     when it differs from the stage to resume
   */
  public static Optional<ConfigException> check(
      CheckpointStore store, Path outputDir, StageId stage, String trainingStage, Throwable cause)
      throws IOException {
    try {
      if (!store.stages(stage.runId()).contains(stage.stageName())
          || !store.list(stage).isEmpty()) {
        return Optional.empty();
      }
    } catch (CheckpointNotFoundException e) {
      return Optional.empty();
    }
    Path saved = new RunLayout(outputDir, stage).resolvedConfigFile();
    String message =
        "stage "
            + stage
            + " has no checkpoint yet: it was stopped before its first save, so there is"
            + " nothing to resume. Start it again with the command that started it plus --resume-if-exists (noether train"
            + " <config.yaml> run_id="
            + stage.runId()
            + (stage.stageName().equals(trainingStage) ? "" : " stage_name=" + stage.stageName())
            + " --resume-if-exists), which starts fresh while the stage"
            + " has no checkpoint and resumes from its newest one on every later start"
            + (Files.isRegularFile(saved)
                ? "; with the configuration it saved: noether train "
                    + saved
                    + " --resume-if-exists"
                : "")
            + ".";
    return Optional.of(new ConfigException(message, cause));
  }
}
