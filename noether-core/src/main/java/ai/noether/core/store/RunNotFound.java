package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import java.util.List;

/** The error every store gives for a run id it does not hold, listing the runs it does hold. */
public final class RunNotFound {
  private RunNotFound() {}

  /**
   * @param outputDir the store's location, as users wrote it
   * @param runs the runs the store holds, in the order to list them
   */
  public static CheckpointNotFoundException in(String runId, String outputDir, List<String> runs) {
    return new CheckpointNotFoundException(
        "run '"
            + runId
            + "' does not exist in output_dir "
            + outputDir
            + "; "
            + (runs.isEmpty() ? "it has no runs yet" : "runs there: " + String.join(", ", runs)));
  }
}
