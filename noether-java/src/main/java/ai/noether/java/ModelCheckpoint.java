package ai.noether.java;

import ai.noether.api.Nullable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which checkpoint {@link Noether#load} and {@link Noether#evaluate} read: a run's stage and tag
 * under an output directory ({@link #of}), or one model file ({@link #file}). Each setter returns a
 * new selection.
 *
 * <ul>
 *   <li>{@link #stage}: needed only when the run has several stages.
 *   <li>{@link #checkpoint}: {@code latest} (default), {@code last}, {@code best.<metric>}, {@code
 *       E<epoch>}, {@code U<update>}, {@code S<sample>} or a full tag, exactly as {@code noether
 *       resume --checkpoint} takes them.
 *   <li>{@link #modelInfo}: the variant of the weights, such as {@code ema=0.999} (the EMA shadow
 *       weights); null for the trained weights themselves.
 *   <li>{@link #override}: {@code key.path=value} changes to the saved configuration for inference,
 *       such as {@code device=cpu}.
 * </ul>
 *
 * @param outputDir the directory or store URI of the runs; null for a file
 * @param runId the run; null for a file
 * @param stage the stage, or null for the run's only stage
 * @param checkpoint the selector; never null
 * @param modelInfo the model variant, or null
 * @param file a model file given directly, or null
 * @param overrides changes to the saved configuration; never null
 */
public record ModelCheckpoint(
    @Nullable String outputDir,
    @Nullable String runId,
    @Nullable String stage,
    String checkpoint,
    @Nullable String modelInfo,
    @Nullable Path file,
    List<String> overrides) {

  public ModelCheckpoint {
    checkpoint = checkpoint == null ? "latest" : checkpoint;
    overrides = List.copyOf(overrides);
    if ((file == null) == (runId == null)) {
      throw new IllegalArgumentException(
          "a checkpoint is either a run (ModelCheckpoint.of) or a file (ModelCheckpoint.file)");
    }
  }

  /**
   * The run {@code runId} under {@code outputDir} (a directory or a store URI such as {@code
   * s3://bucket/runs}).
   */
  public static ModelCheckpoint of(String outputDir, String runId) {
    return new ModelCheckpoint(
        Objects.requireNonNull(outputDir, "outputDir"),
        Objects.requireNonNull(runId, "runId"),
        null,
        "latest",
        null,
        null,
        List.of());
  }

  /** The run {@code runId} under the directory {@code outputDir}. */
  public static ModelCheckpoint of(Path outputDir, String runId) {
    return of(outputDir.toString(), runId);
  }

  /**
   * A model file ({@code mlp_cp=best.loss~valid~total_model.th}, also an EMA one). Its
   * configuration comes from the trainer file of the same checkpoint beside it, else from the
   * stage's {@code config.yaml} one directory up.
   */
  public static ModelCheckpoint file(Path modelFile) {
    return new ModelCheckpoint(
        null,
        null,
        null,
        "latest",
        null,
        Objects.requireNonNull(modelFile, "modelFile"),
        List.of());
  }

  public ModelCheckpoint stage(@Nullable String stageName) {
    return new ModelCheckpoint(outputDir, runId, stageName, checkpoint, modelInfo, file, overrides);
  }

  public ModelCheckpoint checkpoint(String selector) {
    return new ModelCheckpoint(outputDir, runId, stage, selector, modelInfo, file, overrides);
  }

  public ModelCheckpoint modelInfo(@Nullable String info) {
    return new ModelCheckpoint(outputDir, runId, stage, checkpoint, info, file, overrides);
  }

  public ModelCheckpoint override(String keyEqualsValue) {
    List<String> all = new ArrayList<>(overrides);
    all.add(keyEqualsValue);
    return new ModelCheckpoint(outputDir, runId, stage, checkpoint, modelInfo, file, all);
  }

  @Override
  public String toString() {
    return file != null
        ? file.toString()
        : runId
            + (stage == null ? "" : "/" + stage)
            + "@"
            + checkpoint
            + (modelInfo == null ? "" : " (" + modelInfo + ")");
  }
}
