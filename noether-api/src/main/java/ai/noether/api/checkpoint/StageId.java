package ai.noether.api.checkpoint;

/**
 * One stage of one run: the unit a {@link CheckpointStore} keeps checkpoints for. Both names are
 * validated by {@link Names}.
 *
 * <p>The stage name {@link #NO_STAGE} (empty) stands for a run trained without a stage, as Noether
 * in Python writes it when no {@code stage_name} is set: its checkpoints lie directly in {@code
 * <output_dir>/<run_id>/checkpoints/}. Such stages are read and selected; configurations still need
 * a stage name to train into.
 */
public record StageId(String runId, String stageName) {
  /** The stage name of a run without stages ({@code <run_id>/checkpoints/}). */
  public static final String NO_STAGE = "";

  public StageId {
    Names.requireRunId(runId);
    if (!NO_STAGE.equals(stageName)) {
      Names.requireStageName(stageName);
    }
  }

  /** The checkpoints of a run trained without a stage. */
  public static StageId stageless(String runId) {
    return new StageId(runId, NO_STAGE);
  }

  /** True for the checkpoints of a run trained without a stage. */
  public boolean isStageless() {
    return stageName.isEmpty();
  }

  /** {@code run/stage}, or {@code run} for a run without stages. */
  @Override
  public String toString() {
    return isStageless() ? runId : runId + "/" + stageName;
  }
}
