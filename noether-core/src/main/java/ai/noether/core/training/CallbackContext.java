package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.train.TrainingStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The callbacks' view of the running trainer. Resumable saves they ask for are deferred to the end
 * of the iteration ({@link DeferredSaves}); model-only saves, deletions and flushes go to the
 * writer at once.
 */
final class CallbackContext implements TrainingContext {
  private final StageId stage;
  private final Path stageDir;
  private final @Nullable String outputLocation;
  private final long totalUpdates;
  private final Model model;
  private final DataSource data;
  private final TrainingStep step;
  private final TrainingProgress progress;
  private final StopRequest stopRequest;
  private final Collection<Callback> callbacks;
  private final Consumer<Map<String, Double>> metricLog;
  private final CheckpointWriter hookWriter;

  /**
   * @param outputLocation {@code output_dir} as given; null to derive it from the work directory
   * @param callbacks all callbacks, in order, for {@link #callbackModels()}
   * @param metricLog logs what a callback logs, as the trainer logs its own metrics
   */
  CallbackContext(
      StageId stage,
      Path stageDir,
      @Nullable String outputLocation,
      long totalUpdates,
      Model model,
      DataSource data,
      TrainingStep step,
      TrainingProgress progress,
      StopRequest stopRequest,
      Collection<Callback> callbacks,
      Consumer<Map<String, Double>> metricLog,
      CheckpointWriter writer,
      DeferredSaves deferredSaves) {
    this.stage = stage;
    this.stageDir = stageDir;
    this.outputLocation = outputLocation;
    this.totalUpdates = totalUpdates;
    this.model = model;
    this.data = data;
    this.step = step;
    this.progress = progress;
    this.stopRequest = stopRequest;
    this.callbacks = callbacks;
    this.metricLog = metricLog;
    this.hookWriter =
        new CheckpointWriter() {
          @Override
          public CompletableFuture<StoredCheckpoint> saveResumable(
              boolean includeOptimizer, boolean moveLatest) {
            return deferredSaves.request(includeOptimizer, moveLatest);
          }

          @Override
          public CompletableFuture<StoredCheckpoint> saveModels(
              CheckpointTag tag, List<ModelSnapshot> models) {
            return writer.saveModels(tag, models);
          }

          @Override
          public CompletableFuture<StoredCheckpoint> saveModels(
              CheckpointTag tag, Supplier<List<ModelSnapshot>> models) {
            return writer.saveModels(tag, models);
          }

          @Override
          public void prepare(boolean includeOptimizer) {
            writer.prepare(includeOptimizer);
          }

          @Override
          public CompletableFuture<Void> delete(CheckpointTag tag) {
            return writer.delete(tag);
          }

          @Override
          public void flush() {
            writer.flush();
          }
        };
  }

  @Override
  public StageId stage() {
    return stage;
  }

  @Override
  public Path workDir() {
    return stageDir;
  }

  @Override
  public String outputLocation() {
    return outputLocation != null ? outputLocation : TrainingContext.super.outputLocation();
  }

  @Override
  public TrainingIteration iteration() {
    return progress.iteration;
  }

  @Override
  public long totalUpdates() {
    return totalUpdates;
  }

  @Override
  public Map<String, Model> models() {
    return Map.of(model.name(), model);
  }

  @Override
  public double learningRate() {
    return progress.learningRate;
  }

  @Override
  public Map<String, Double> metrics() {
    return Collections.unmodifiableMap(progress.metrics);
  }

  @Override
  public Map<String, Double> evaluateValidation() {
    return data.validation().map(v -> step.evaluate(v, Trainer.VALID)).orElse(Map.of());
  }

  @Override
  public void logMetric(String key, double value) {
    metricLog.accept(Map.of(key, value));
  }

  @Override
  public void requestStop(String reason) {
    stopRequest.requestFinish(reason);
  }

  @Override
  public void requestInterrupt(String reason) {
    stopRequest.requestInterrupt(reason, Trainer.REASON_INTERRUPT);
  }

  @Override
  public boolean stopRequested() {
    return stopRequest.isRequested();
  }

  @Override
  public CheckpointWriter checkpoints() {
    return hookWriter;
  }

  @Override
  public List<ModelSnapshot> callbackModels() {
    List<ModelSnapshot> models = new ArrayList<>();
    for (Callback c : callbacks) {
      models.addAll(c.checkpointModels(this));
    }
    return models;
  }
}
