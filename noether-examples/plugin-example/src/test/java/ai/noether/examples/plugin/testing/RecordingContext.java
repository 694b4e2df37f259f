package ai.noether.examples.plugin.testing;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A training context for unit tests of callbacks: the test moves the counters, and the context
 * records the metrics, the stop and (in {@link #writer}) the saves a callback asks for. Stage
 * {@code run1/train} in {@code /runs}.
 */
public final class RecordingContext implements TrainingContext {
  /** The saves asked for; they stay pending until the test completes or fails them. */
  public final Writer writer = new Writer();
  /** Metrics logged, in order; a key logged twice keeps its latest value. */
  public final Map<String, Double> logged = new LinkedHashMap<>();
  /** Every value logged, as {@code key=value} in order. */
  public final List<String> log = new ArrayList<>();
  /** The reason of the first stop requested through this context, or null. */
  public String stopReason;
  /** True to act as if a signal or another callback had stopped training. */
  public boolean stoppedElsewhere;
  private TrainingIteration iteration = TrainingIteration.ZERO;

  /** Advances the counters by one update of {@code batchSize} samples; returns this context. */
  public RecordingContext nextUpdate(long batchSize) {
    iteration = iteration.nextUpdate(batchSize);
    return this;
  }

  /** Advances the epoch counter; returns this context. */
  public RecordingContext nextEpoch() {
    iteration = iteration.nextEpoch();
    return this;
  }

  @Override
  public StageId stage() {
    return new StageId("run1", "train");
  }

  @Override
  public Path workDir() {
    return Path.of("/runs/run1/train");
  }

  @Override
  public TrainingIteration iteration() {
    return iteration;
  }

  @Override
  public long totalUpdates() {
    return -1;
  }

  @Override
  public Map<String, Model> models() {
    return Map.of();
  }

  @Override
  public double learningRate() {
    return 1e-3;
  }

  @Override
  public Map<String, Double> metrics() {
    return logged;
  }

  @Override
  public Map<String, Double> evaluateValidation() {
    return Map.of();
  }

  @Override
  public void logMetric(String key, double value) {
    logged.put(key, value);
    log.add(key + "=" + value);
  }

  /** True when the recorded stop was an interruption (an emergency checkpoint, exit status 3). */
  public boolean interrupted;

  @Override
  public void requestStop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  @Override
  public void requestInterrupt(String reason) {
    if (stopReason == null) {
      stopReason = reason;
      interrupted = true;
    }
  }

  @Override
  public boolean stopRequested() {
    return stoppedElsewhere || stopReason != null;
  }

  @Override
  public CheckpointWriter checkpoints() {
    return writer;
  }

  /** Records resumable saves as {@code optim+latest}, {@code no-optim} and so on. */
  public final class Writer implements CheckpointWriter {
    /** The saves asked for, in order. */
    public final List<String> requests = new ArrayList<>();
    private final List<CompletableFuture<StoredCheckpoint>> pending = new ArrayList<>();

    @Override
    public CompletableFuture<StoredCheckpoint> saveResumable(boolean includeOptimizer, boolean moveLatest) {
      requests.add((includeOptimizer ? "optim" : "no-optim") + (moveLatest ? "+latest" : ""));
      CompletableFuture<StoredCheckpoint> future = new CompletableFuture<>();
      pending.add(future);
      return future;
    }

    /** Commits every pending save at the current iteration. */
    public void completeAll() {
      TrainingIteration at = iteration;
      pending.forEach(f -> f.complete(new StoredCheckpoint(stage(), CheckpointTag.at(at), at, List.of(), Instant.EPOCH)));
      pending.clear();
    }

    /** Fails every pending save as a full disk would. */
    public void failAll() {
      pending.forEach(f -> f.completeExceptionally(new IOException("No space left on device")));
      pending.clear();
    }

    @Override
    public CompletableFuture<StoredCheckpoint> saveModels(CheckpointTag tag, List<ModelSnapshot> models) {
      throw new UnsupportedOperationException("not recorded by this test double");
    }

    @Override
    public CompletableFuture<Void> delete(CheckpointTag tag) {
      throw new UnsupportedOperationException("not recorded by this test double");
    }
  }
}
