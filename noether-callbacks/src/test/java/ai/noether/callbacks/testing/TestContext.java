package ai.noether.callbacks.testing;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A training context driven by the test: it sets the counters, and it records what callbacks ask
 * for (metrics, stops, saves, deletes). Logged metrics are passed to the {@link #listeners} like the
 * trainer does. The checkpoint writer keeps an in-memory list of the tags that would be on disk.
 */
public final class TestContext implements TrainingContext {
  public static final StageId STAGE = new StageId("run1", "train");

  private final Path stageDir;
  private final Map<String, Model> models = new LinkedHashMap<>();
  private final Map<String, Double> metrics = new TreeMap<>();
  private final List<Map<String, Double>> logged = new ArrayList<>();
  private final List<String> stopReasons = new ArrayList<>();
  public final List<Callback> listeners = new ArrayList<>();
  public final RecordingWriter writer = new RecordingWriter();
  private TrainingIteration iteration = TrainingIteration.ZERO;
  private long totalUpdates = -1;
  private double learningRate = 0.1;
  private Function<TestContext, Map<String, Double>> validation = c -> Map.of();

  public TestContext(Path stageDir, Model... models) {
    this.stageDir = stageDir;
    for (Model m : models) {
      this.models.put(m.name(), m);
    }
  }

  public TestContext at(long epoch, long update, long sample) {
    iteration = new TrainingIteration(epoch, update, sample);
    return this;
  }

  public TestContext at(TrainingIteration it) {
    iteration = it;
    return this;
  }

  public TestContext totalUpdates(long n) {
    totalUpdates = n;
    return this;
  }

  public TestContext learningRate(double lr) {
    learningRate = lr;
    return this;
  }

  /** What {@link #evaluateValidation()} returns; the function sees the models' current weights. */
  public TestContext validation(Function<TestContext, Map<String, Double>> f) {
    validation = f;
    return this;
  }

  /** Logs values as the trainer does: into the metrics, then to every listener. */
  public void log(Map<String, Double> values) {
    metrics.putAll(values);
    logged.add(Map.copyOf(values));
    Map<String, Double> view = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    for (Callback c : List.copyOf(listeners)) {
      c.onMetricsLogged(this, view);
    }
  }

  /** Every map logged, in order. */
  public List<Map<String, Double>> loggedValues() {
    return logged;
  }

  /** The reasons of every stop request, in order. */
  public List<String> stopReasons() {
    return stopReasons;
  }

  @Override
  public StageId stage() {
    return STAGE;
  }

  @Override
  public Path workDir() {
    return stageDir;
  }

  @Override
  public TrainingIteration iteration() {
    return iteration;
  }

  @Override
  public long totalUpdates() {
    return totalUpdates;
  }

  @Override
  public Map<String, Model> models() {
    return Collections.unmodifiableMap(models);
  }

  @Override
  public double learningRate() {
    return learningRate;
  }

  @Override
  public Map<String, Double> metrics() {
    return Collections.unmodifiableMap(metrics);
  }

  @Override
  public Map<String, Double> evaluateValidation() {
    return validation.apply(this);
  }

  @Override
  public void logMetric(String key, double value) {
    log(Map.of(key, value));
  }

  @Override
  public void requestStop(String reason) {
    stopReasons.add(reason);
  }

  @Override
  public void requestInterrupt(String reason) {
    stopReasons.add("interrupt: " + reason);
  }

  @Override
  public boolean stopRequested() {
    return !stopReasons.isEmpty();
  }

  @Override
  public CheckpointWriter checkpoints() {
    return writer;
  }

  /**
   * Records saves and deletes. By default saves complete at once; with {@link #holdSaves()} they
   * stay pending until {@link #completeOldest()} or {@link #failOldest()}.
   */
  public final class RecordingWriter implements CheckpointWriter {
    public final List<TrainingIteration> resumableSaves = new ArrayList<>();
    public final List<Boolean> optimizerFlags = new ArrayList<>();
    public final List<Boolean> latestFlags = new ArrayList<>();
    public final Map<CheckpointTag, List<ModelSnapshot>> modelSaves = new LinkedHashMap<>();
    public final List<CheckpointTag> modelSaveOrder = new ArrayList<>();
    public final List<CheckpointTag> deletes = new ArrayList<>();
    /** Tags whose files exist, in the order they were first written. */
    public final Set<CheckpointTag> onDisk = new LinkedHashSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private boolean hold;

    private record Pending(CheckpointTag tag, TrainingIteration iteration, CompletableFuture<StoredCheckpoint> future) {}

    public void holdSaves() {
      hold = true;
    }

    public void completeOldest() {
      Pending p = pending.remove(0);
      onDisk.add(p.tag());
      p.future().complete(stored(p.tag(), p.iteration()));
    }

    public void failOldest() {
      Pending p = pending.remove(0);
      p.future().completeExceptionally(new IOException("disk full"));
    }

    @Override
    public CompletableFuture<StoredCheckpoint> saveResumable(boolean includeOptimizer, boolean moveLatest) {
      resumableSaves.add(iteration);
      optimizerFlags.add(includeOptimizer);
      latestFlags.add(moveLatest);
      CheckpointTag tag = CheckpointTag.at(iteration);
      CompletableFuture<StoredCheckpoint> f = new CompletableFuture<>();
      pending.add(new Pending(tag, iteration, f));
      if (!hold) {
        completeOldest();
      }
      return f;
    }

    @Override
    public CompletableFuture<StoredCheckpoint> saveModels(CheckpointTag tag, List<ModelSnapshot> snapshots) {
      modelSaves.put(tag, List.copyOf(snapshots));
      modelSaveOrder.add(tag);
      onDisk.add(tag);
      return CompletableFuture.completedFuture(stored(tag, iteration));
    }

    @Override
    public CompletableFuture<Void> delete(CheckpointTag tag) {
      deletes.add(tag);
      onDisk.remove(tag);
      return CompletableFuture.completedFuture(null);
    }

    private StoredCheckpoint stored(CheckpointTag tag, TrainingIteration at) {
      return new StoredCheckpoint(STAGE, tag, at, List.of(), Instant.EPOCH);
    }
  }
}
