package ai.noether.java;

import ai.noether.api.Nullable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a training started with {@link Noether#train} ended.
 *
 * @param runId the run's id (generated when the configuration had none); never null
 * @param stageName the stage trained; never null
 * @param outputDir where the runs are, as configured ({@code output_dir}); never null
 * @param iteration the counters at the end, {@code E{epoch}_U{update}_S{sample}}; never null
 * @param metrics the most recent value of every metric by key ({@code loss/valid/total}); never
 *     null, unmodifiable, in the order they were first reported
 * @param checkpoints the tags of the stage's checkpoints after training, oldest first, as {@code
 *     noether runs} lists them and {@link ModelCheckpoint#checkpoint} selects them ({@code
 *     E12_U768_S24576}, {@code latest}, {@code last}, {@code best.loss~valid~total}); never null
 * @param finalCheckpoint the tag of the checkpoint written at the end: the final iteration's, which
 *     {@code last} also names, or the emergency checkpoint's
 * @param interrupted true when a stop request ended training with a resumable checkpoint
 * @param earlyStop why training stopped before its limit (early stopping, a time budget), or null
 */
public record TrainingSummary(
    String runId,
    String stageName,
    Path outputDir,
    String iteration,
    Map<String, Double> metrics,
    List<String> checkpoints,
    @Nullable String finalCheckpoint,
    boolean interrupted,
    @Nullable String earlyStop) {

  public TrainingSummary {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(stageName, "stageName");
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    checkpoints = List.copyOf(checkpoints);
  }

  /** The update counter at the end. */
  public long updates() {
    return ai.noether.api.checkpoint.TrainingIteration.parse(iteration).update();
  }

  /** The checkpoint to load the trained model from: this run and stage at {@code tag}. */
  public ModelCheckpoint checkpoint(String tag) {
    return ModelCheckpoint.of(outputDir, runId).stage(stageName).checkpoint(tag);
  }
}
