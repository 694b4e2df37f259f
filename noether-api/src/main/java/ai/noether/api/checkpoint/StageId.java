package ai.noether.api.checkpoint;

/**
 * One stage of one run: the unit a {@link CheckpointStore} keeps checkpoints for. Both names are
 * validated by {@link Names}.
 */
public record StageId(String runId, String stageName) {
  public StageId {
    Names.requireRunId(runId);
    Names.requireStageName(stageName);
  }

  @Override
  public String toString() {
    return runId + "/" + stageName;
  }
}
