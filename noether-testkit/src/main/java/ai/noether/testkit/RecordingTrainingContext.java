package ai.noether.testkit;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@link TrainingContext} for unit tests of callbacks: the test moves the counters, and the
 * context records what the callback asks for: the metrics it logs, the stops and interrupts it
 * requests, and (in its {@link RecordingCheckpointWriter}) the saves and deletes. No trainer, no
 * engine, no files: for a callback inside a real training loop use {@link TinyRun}.
 *
 * <pre>{@code
 * RecordingTrainingContext context = RecordingTrainingContext.builder().workDir(tempDir).build();
 * callback.afterUpdate(context.nextUpdate(32));
 * assertThat(context.loggedLines()).containsExactly("throughput/updates_per_second=4.0");
 * assertThat(context.writer().requests()).containsExactly("optim+latest");
 * }</pre>
 *
 * <p>Metrics logged through {@link #logMetric} or {@link #log} are passed to the {@linkplain
 * Builder#listener listeners} as the trainer passes them to every callback's {@link
 * Callback#onMetricsLogged}. Not thread-safe, like the hook calls it stands in for.
 */
public final class RecordingTrainingContext implements TrainingContext {
  /** The stage of a context built without {@link Builder#stage}. */
  public static final StageId STAGE = new StageId("run1", "train");

  private final StageId stage;
  private final Path workDir;
  private final Map<String, Model> models;
  private final List<Callback> listeners;
  private Function<RecordingTrainingContext, Map<String, Double>> validation;
  private final RecordingCheckpointWriter writer;
  private final Map<String, Double> metrics = new TreeMap<>();
  private final List<Map<String, Double>> logged = new ArrayList<>();
  private final List<String> loggedLines = new ArrayList<>();
  private final List<String> stopReasons = new ArrayList<>();
  private @Nullable String stopReason;
  private boolean interrupted;
  private boolean stoppedElsewhere;
  private TrainingIteration iteration;
  private long totalUpdates;
  private double learningRate;

  private RecordingTrainingContext(Builder b) {
    stage = b.stage;
    workDir = b.workDir;
    models = Collections.unmodifiableMap(new LinkedHashMap<>(b.models));
    listeners = new ArrayList<>(b.listeners);
    validation = b.validation;
    iteration = b.iteration;
    totalUpdates = b.totalUpdates;
    learningRate = b.learningRate;
    writer = new RecordingCheckpointWriter(stage, () -> iteration, b.holdSaves);
  }

  /** A builder: stage {@code run1/train} in {@code /runs/run1/train}, no models, iteration zero. */
  public static Builder builder() {
    return new Builder();
  }

  /** A context for the stage {@code run1/train} whose work directory is {@code workDir}. */
  public static RecordingTrainingContext of(Path workDir, Model... models) {
    return builder().workDir(workDir).models(models).build();
  }

  // --- what the test does --------------------------------------------------------------------

  /** Moves the counters to {@code (epoch, update, sample)}; returns this context. */
  public RecordingTrainingContext at(long epoch, long update, long sample) {
    return at(new TrainingIteration(epoch, update, sample));
  }

  /** Moves the counters to {@code it}; returns this context. */
  public RecordingTrainingContext at(TrainingIteration it) {
    iteration = Objects.requireNonNull(it, "iteration");
    return this;
  }

  /** Advances the counters by one update of {@code batchSize} samples; returns this context. */
  public RecordingTrainingContext nextUpdate(long batchSize) {
    iteration = iteration.nextUpdate(batchSize);
    return this;
  }

  /** Advances the epoch counter; returns this context. */
  public RecordingTrainingContext nextEpoch() {
    iteration = iteration.nextEpoch();
    return this;
  }

  /** Sets what {@link #totalUpdates()} answers (-1: unknown); returns this context. */
  public RecordingTrainingContext totalUpdates(long n) {
    totalUpdates = n;
    return this;
  }

  /** Sets what {@link #learningRate()} answers; returns this context. */
  public RecordingTrainingContext learningRate(double lr) {
    learningRate = lr;
    return this;
  }

  /**
   * Sets what {@link #evaluateValidation()} returns; the function sees the models' current weights.
   */
  public RecordingTrainingContext validation(
      Function<RecordingTrainingContext, Map<String, Double>> f) {
    validation = Objects.requireNonNull(f, "validation");
    return this;
  }

  /** Acts as if a signal or another callback had asked training to stop. */
  public RecordingTrainingContext stopElsewhere() {
    stoppedElsewhere = true;
    return this;
  }

  /**
   * Adds a callback that sees every metric logged from now on, as the trainer's other callbacks
   * would.
   */
  public RecordingTrainingContext addListener(Callback listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Logs values as the trainer does (its validation results, for example): into {@link #metrics()},
   * then to every listener in one {@link Callback#onMetricsLogged} call.
   */
  public void log(Map<String, Double> values) {
    metrics.putAll(values);
    logged.add(Map.copyOf(values));
    values.forEach((k, v) -> loggedLines.add(k + "=" + v));
    Map<String, Double> view = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    for (Callback c : List.copyOf(listeners)) {
      c.onMetricsLogged(this, view);
    }
  }

  // --- what the test reads -------------------------------------------------------------------

  /** Every map logged (by the test or the callback), in order. */
  public List<Map<String, Double>> loggedValues() {
    return Collections.unmodifiableList(logged);
  }

  /** Every value logged, as {@code key=value}, in order. */
  public List<String> loggedLines() {
    return Collections.unmodifiableList(loggedLines);
  }

  /**
   * The reasons of every stop request in order; those of interrupts start with {@code interrupt: }.
   */
  public List<String> stopReasons() {
    return Collections.unmodifiableList(stopReasons);
  }

  /** The reason of the first stop or interrupt requested through this context, or null. */
  public @Nullable String stopReason() {
    return stopReason;
  }

  /**
   * True when the first request was an interrupt (an emergency checkpoint, exit status 3), not a
   * stop.
   */
  public boolean interrupted() {
    return interrupted;
  }

  /** The writer that recorded the saves and deletes. */
  public RecordingCheckpointWriter writer() {
    return writer;
  }

  // --- TrainingContext -----------------------------------------------------------------------

  @Override
  public StageId stage() {
    return stage;
  }

  @Override
  public Path workDir() {
    return workDir;
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
    return models;
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
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  @Override
  public void requestInterrupt(String reason) {
    stopReasons.add("interrupt: " + reason);
    if (stopReason == null) {
      stopReason = reason;
      interrupted = true;
    }
  }

  @Override
  public boolean stopRequested() {
    return stoppedElsewhere || !stopReasons.isEmpty();
  }

  @Override
  public RecordingCheckpointWriter checkpoints() {
    return writer;
  }

  /** Builds a {@link RecordingTrainingContext}. */
  public static final class Builder {
    private StageId stage = STAGE;
    private Path workDir = Path.of("/runs/run1/train");
    private final Map<String, Model> models = new LinkedHashMap<>();
    private final List<Callback> listeners = new ArrayList<>();
    private Function<RecordingTrainingContext, Map<String, Double>> validation = c -> Map.of();
    private TrainingIteration iteration = TrainingIteration.ZERO;
    private long totalUpdates = -1;
    private double learningRate = 1e-3;
    private boolean holdSaves;

    private Builder() {}

    /** The stage trained (default {@code run1/train}). */
    public Builder stage(StageId stage) {
      this.stage = Objects.requireNonNull(stage, "stage");
      return this;
    }

    /** The stage's local directory (default {@code /runs/run1/train}, which is never created). */
    public Builder workDir(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
      return this;
    }

    /** The models, by their names, in this order. */
    public Builder models(Model... models) {
      for (Model m : models) {
        this.models.put(m.name(), m);
      }
      return this;
    }

    /** The counters at the start (default zero). */
    public Builder iteration(TrainingIteration iteration) {
      this.iteration = Objects.requireNonNull(iteration, "iteration");
      return this;
    }

    /** What {@link #totalUpdates()} answers (default -1, unknown). */
    public Builder totalUpdates(long totalUpdates) {
      this.totalUpdates = totalUpdates;
      return this;
    }

    /** What {@link #learningRate()} answers (default 0.001). */
    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /**
     * What {@link #evaluateValidation()} returns; the function sees the models' current weights.
     */
    public Builder validation(Function<RecordingTrainingContext, Map<String, Double>> validation) {
      this.validation = Objects.requireNonNull(validation, "validation");
      return this;
    }

    /** A callback that sees every metric logged (see {@link RecordingTrainingContext#log}). */
    public Builder listener(Callback listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Keeps saves pending until the test completes or fails them ({@link
     * RecordingCheckpointWriter#completeOldest}, {@link RecordingCheckpointWriter#completeAll},
     * ...), for callbacks that wait on a save. By default a save completes as it is asked for.
     */
    public Builder holdSaves() {
      this.holdSaves = true;
      return this;
    }

    public RecordingTrainingContext build() {
      return new RecordingTrainingContext(this);
    }
  }
}
