package ai.noether.core.run;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.config.ResumeConfig;
import ai.noether.core.config.RunConfig;
import ai.noether.core.resume.CheckpointFallback;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.resume.NothingToResume;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a stage starts, decided before any component exists: it continues the checkpoint its resume
 * keys select, or it starts fresh in a stage without checkpoints. Either way it never starts on top
 * of another training's checkpoints. Runs while the process holds the stage's writer claim, so
 * nothing it looks at can change under it.
 */
final class StageStart {
  // The messages keep the logger users know them by.
  private static final Logger LOG = LoggerFactory.getLogger(StageAssembly.class);

  private StageStart() {}

  /**
   * The checkpoint the stage continues from, or null for a fresh start (whose stage then holds no
   * history of an earlier start either).
   *
   * @throws ConfigException when the stage already has checkpoints of another training, or the run,
   *     stage or checkpoint to resume from does not exist (the message lists what does)
   */
  @Nullable
  static LoadedCheckpoint open(CheckpointStore store, RunConfig config) throws IOException {
    Optional<ResumeConfig> resume = config.optResume();
    if (resume.isPresent()) {
      if (!resume.get().stage().equals(config.stage())) {
        // Continuing into another stage starts that stage: it must not bury one that exists.
        refuseToOverwrite(store, config);
      }
      return read(store, config, resume.get());
    }
    refuseToOverwrite(store, config);
    // The stage has no checkpoint, so a history there is from a start that was killed before its
    // first save: it describes no state this run continues.
    Files.deleteIfExists(config.layout().historyFile());
    return null;
  }

  /**
   * The trainer file of the checkpoint resumed from; its format version was checked when it was
   * read.
   */
  static TrainerStateFile savedState(LoadedCheckpoint checkpoint) {
    return TrainerStateFile.read(checkpoint.trainer(), checkpoint.source());
  }

  /**
   * Reads the checkpoint the resume keys select. A run, stage or checkpoint that does not exist is
   * a mistake in those keys, so it is reported as a {@link ConfigException} that names them, with
   * the store's listing of what exists.
   */
  private static LoadedCheckpoint read(CheckpointStore store, RunConfig config, ResumeConfig resume)
      throws IOException {
    String modelName = config.model().name();
    try {
      CheckpointFallback.Selected<LoadedCheckpoint> selected =
          CheckpointFallback.load(
              store,
              resume.stage(),
              resume.checkpoint(),
              resume.fallback(),
              checkpoint -> CheckpointReader.forResume(store, checkpoint, modelName));
      selected.fallback().ifPresent(LOG::warn);
      return selected.value();
    } catch (CheckpointNotFoundException e) {
      Optional<ConfigException> nothing =
          NothingToResume.check(store, config.outputDir(), resume.stage(), config.stageName(), e);
      if (nothing.isPresent()) {
        throw nothing.get();
      }
      throw new ConfigException(
          "cannot resume from resume_run_id: "
              + resume.stage().runId()
              + ", resume_stage_name: "
              + resume.stage().stageName()
              + ", resume_checkpoint: "
              + resume.checkpoint()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** A fresh start into a stage that has checkpoints would mix two trainings under one name. */
  private static void refuseToOverwrite(CheckpointStore store, RunConfig config)
      throws IOException {
    List<StoredCheckpoint> existing;
    try {
      existing = store.list(config.stage());
    } catch (CheckpointNotFoundException e) {
      return;
    }
    if (!existing.isEmpty()) {
      StoredCheckpoint newest = existing.get(existing.size() - 1);
      throw new ConfigException(
          "stage "
              + config.stage()
              + " already has "
              + existing.size()
              + " checkpoint(s) (newest: "
              + newest.describe()
              + ") in "
              + config.layout().checkpointDir()
              + "; "
              + config
                  .optResume()
                  .map(r -> "continuing " + r.stage() + " into it")
                  .orElse("a fresh start")
              + " would mix two trainings. Continue it with 'noether resume "
              + config.runId()
              + " --stage "
              + config.stageName()
              + "' (or resume_run_id: "
              + config.runId()
              + "), or start under another run_id or stage_name.");
    }
  }
}
