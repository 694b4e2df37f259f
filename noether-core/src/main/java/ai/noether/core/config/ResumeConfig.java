package ai.noether.core.config;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import java.util.Objects;

/**
 * The resume keys of a run configuration: which earlier stage to continue, from which checkpoint.
 * Present only when {@code resume_run_id} is set. See {@code docs/resume.md} for what resuming
 * restores.
 *
 * <pre>{@code
 * resume_run_id: 260301-101500-a1b2
 * resume_stage_name: train      # default: train
 * resume_checkpoint: E10        # default: latest; also U100, S200, E10_U100_S200, best.<metric>
 * resume_fallback: false        # default: true
 * }</pre>
 *
 * @param stage the run id and stage name to resume from; never null
 * @param checkpoint the checkpoint to resume from; never null ({@code latest} by default)
 * @param fallback when {@code latest} fails verification, continue from the newest checkpoint of
 *     the stage that verifies (true, the default) instead of failing; an explicitly chosen
 *     checkpoint never falls back
 */
public record ResumeConfig(StageId stage, CheckpointSelector checkpoint, boolean fallback) {
  public ResumeConfig {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  /** Resume keys with the default fallback. */
  public ResumeConfig(StageId stage, CheckpointSelector checkpoint) {
    this(stage, checkpoint, true);
  }
}
