package ai.noether.core.run;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.config.ResumeConfig;
import ai.noether.core.config.RunConfig;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code resume_if_exists} ({@code noether train --resume-if-exists}): one command for the first
 * start of a job and every requeue. The decision is taken while the caller holds the stage's writer
 * claim, so no other process can add or remove checkpoints between the look and the start.
 *
 * <ul>
 *   <li>The stage has a resumable checkpoint: it resumes from its {@code latest}, unless the resume
 *       keys already select a checkpoint of this very stage (then that one).
 *   <li>It has none, whatever else a killed start left there (a directory, the saved configuration,
 *       a metric history, pending files): the run starts as the rest of the configuration says,
 *       fresh or from the stage the resume keys name. Model-only checkpoints (a {@code best.*}
 *       saved before the first resumable checkpoint) are such leftovers: nothing can continue from
 *       them, and the new start writes them again, so they are deleted first; otherwise they would
 *       mix two trainings under one name and make the fresh start refuse the stage.
 * </ul>
 */
final class AutoResume {
  private static final Logger LOG = LoggerFactory.getLogger(AutoResume.class);

  private AutoResume() {}

  /** The configuration to run: {@code config} itself, or {@code config} resuming its own stage. */
  static RunConfig decide(RunConfig config, CheckpointStore store) throws IOException {
    if (!config.resumeIfExists()) {
      return config;
    }
    List<StoredCheckpoint> existing;
    try {
      existing = store.list(config.stage());
    } catch (CheckpointNotFoundException e) {
      existing = List.of();
    }
    List<StoredCheckpoint> resumable = existing.stream().filter(AutoResume::isResumable).toList();
    if (resumable.isEmpty() && !existing.isEmpty()) {
      LOG.warn(
          "resume_if_exists: stage {} has only model-only checkpoints ({}), left by a start that was stopped"
              + " before its first resumable checkpoint; deleting them, this start writes them again",
          config.stage(),
          existing.stream().map(StoredCheckpoint::describe).toList());
      for (StoredCheckpoint c : existing) {
        store.delete(config.stage(), c.tag());
      }
      existing = List.of();
    }
    if (existing.isEmpty()) {
      LOG.info(
          "resume_if_exists: stage {} has no checkpoint yet; {}",
          config.stage(),
          config
              .optResume()
              .map(r -> "starting from " + r.stage() + " as resume_run_id says")
              .orElse("starting fresh"));
      return config;
    }
    if (config.optResume().filter(r -> r.stage().equals(config.stage())).isPresent()) {
      return config;
    }
    LOG.info(
        "resume_if_exists: stage {} has {} resumable checkpoint(s); resuming from its latest",
        config.stage(),
        resumable.size());
    return config.withResume(new ResumeConfig(config.stage(), CheckpointSelector.parse("latest")));
  }

  /** A checkpoint training can continue from: it has a trainer file (counters, callback states). */
  private static boolean isResumable(StoredCheckpoint checkpoint) {
    return checkpoint.files().stream().anyMatch(f -> f.name().kind() == CheckpointFileKind.TRAINER);
  }
}
