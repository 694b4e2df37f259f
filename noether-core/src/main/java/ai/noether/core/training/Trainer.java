package ai.noether.core.training;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.state.Stateful;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.checkpoint.CheckpointEncoder;
import ai.noether.core.checkpoint.SnapshotSource;
import ai.noether.core.checkpoint.TrainingSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: visits batches in the seed-derived order, runs the engine's step, applies the
 * optimizer with the scheduled learning rate, evaluates, calls callbacks in configuration order and
 * writes checkpoints. Engine-neutral: the engine contributes only the {@link TrainingStep}.
 *
 * <p>Everything the loop needs to continue is either in a checkpoint (counters, position in the
 * epoch, optimizer, schedule, callback states, metrics) or derived from the seed and the counters
 * (data order, per-update seeds), so {@link #restore} followed by {@link #run} continues exactly.
 *
 * <p>Not thread-safe: one thread runs the loop; {@link StopRequest} may be set from any thread.
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  /** The split name used in validation metric keys ({@code loss/valid/total}). */
  public static final String VALID = "valid";
  /** Metric key of the training loss averaged over the log interval. */
  public static final String TRAIN_LOSS = "loss/train/total";
  /** Metric key of the learning rate. */
  public static final String LR = "lr";

  private final StageId stage;
  private final Path stageDir;
  private final long seed;
  private final TrainerSettings settings;
  private final Model model;
  private final Optimizer optimizer;
  private final double baseLr;
  private final LrSchedule schedule;
  private final TrainingStep step;
  private final DataSource data;
  private final LinkedHashMap<String, Callback> callbacks;
  private final Map<String, Object> config;
  private final List<Object> lineage;
  private final StopRequest stopRequest;
  private final BackgroundCheckpointWriter writer;
  private final DataOrder order;
  private final long totalUpdates;
  private final long updatesPerEpoch;

  private TrainingIteration iteration = TrainingIteration.ZERO;
  private long batchInEpoch;
  private double learningRate;
  private final Map<String, Double> metrics = new TreeMap<>();
  private TrainingIteration lastEvaluated;
  private StoredCheckpoint lastResumable;

  private Trainer(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage");
    this.stageDir = Objects.requireNonNull(b.stageDir, "stageDir");
    this.seed = b.seed;
    this.settings = Objects.requireNonNull(b.settings, "settings");
    this.model = Objects.requireNonNull(b.model, "model");
    this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
    this.baseLr = b.baseLr;
    this.schedule = Objects.requireNonNull(b.schedule, "schedule");
    this.step = Objects.requireNonNull(b.step, "step");
    this.data = Objects.requireNonNull(b.data, "data");
    this.callbacks = new LinkedHashMap<>(b.callbacks);
    this.config = b.config;
    this.lineage = new ArrayList<>(b.lineage);
    this.stopRequest = b.stopRequest;
    CheckpointContents contents = new CheckpointContents(stage, Objects.requireNonNull(b.encoder, "encoder"));
    this.writer = new BackgroundCheckpointWriter(Objects.requireNonNull(b.store, "store"), stage, contents, new Snapshots());
    long trainSize = data.train().size();
    this.order = new DataOrder(seed, trainSize);
    this.totalUpdates = settings.totalUpdates(trainSize);
    this.updatesPerEpoch = settings.updatesPerEpoch(trainSize);
    this.learningRate = schedule.learningRate(baseLr, 0, totalUpdates);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The counters. */
  public TrainingIteration iteration() {
    return iteration;
  }

  /** The stop flag signal handlers set. */
  public StopRequest stopRequest() {
    return stopRequest;
  }

  /** Writes checkpoints of this trainer's stage. */
  public CheckpointWriter checkpoints() {
    return writer;
  }

  /**
   * Restores the state saved in a checkpoint's trainer file, optimizer file and schedule state.
   * Model weights are restored by the caller before (they belong to the model files).
   */
  @SuppressWarnings("unchecked")
  public void restore(TrainingIteration at, Map<String, Object> trainerTree, Map<String, Object> optimizerState,
      Map<String, Object> scheduleState) {
    this.iteration = at;
    this.batchInEpoch = ((Number) trainerTree.getOrDefault(CheckpointKeys.BATCH_IN_EPOCH, 0L)).longValue();
    if (optimizerState != null) {
      optimizer.loadState(optimizerState);
    }
    if (schedule instanceof Stateful stateful && scheduleState != null && !scheduleState.isEmpty()) {
      stateful.loadState(scheduleState);
    }
    Map<String, Object> callbackStates = (Map<String, Object>) trainerTree.getOrDefault(CheckpointKeys.CALLBACKS, Map.of());
    for (Map.Entry<String, Callback> c : callbacks.entrySet()) {
      Object state = callbackStates.get(c.getKey());
      if (c.getValue() instanceof Stateful stateful && state != null) {
        stateful.loadState((Map<String, Object>) state);
      }
    }
    Map<String, Object> savedMetrics = (Map<String, Object>) trainerTree.getOrDefault(CheckpointKeys.METRICS, Map.of());
    metrics.clear();
    savedMetrics.forEach((k, v) -> metrics.put(k, ((Number) v).doubleValue()));
    List<Object> savedLineage = (List<Object>) trainerTree.getOrDefault(CheckpointKeys.LINEAGE, List.of());
    List<Object> merged = new ArrayList<>(savedLineage);
    merged.addAll(lineage);
    lineage.clear();
    lineage.addAll(merged);
    this.learningRate = schedule.learningRate(baseLr, iteration.update(), totalUpdates);
  }

  /** Trains until a limit is reached or a stop is requested, then writes the final checkpoint. */
  public TrainingResult run() {
    Context ctx = new Context();
    LOG.info("training {} for {} updates ({} per epoch, batch size {}) from {}", stage, totalUpdates,
        updatesPerEpoch, settings.batchSize(), iteration);
    callbacks.values().forEach(c -> c.beforeTraining(ctx));
    long windowStart = System.nanoTime();
    long windowSamples = 0;
    double lossSum = 0;
    long lossCount = 0;
    while (!finished() && !stopRequest.isRequested()) {
      long[] batch = order.batch(iteration.epoch(), batchInEpoch, settings.batchSize());
      learningRate = schedule.learningRate(baseLr, iteration.update(), totalUpdates);
      double loss = step.train(batch, Seeds.forUpdate(seed, iteration.update()));
      optimizer.step(learningRate);
      TrainingIteration before = iteration;
      iteration = iteration.nextUpdate(batch.length);
      batchInEpoch++;
      lossSum += loss;
      lossCount++;
      windowSamples += batch.length;
      boolean epochEnded = batchInEpoch >= updatesPerEpoch;
      if (epochEnded) {
        iteration = iteration.nextEpoch();
        batchInEpoch = 0;
      }
      if (settings.logging().isDue(before, iteration) || finished()) {
        double seconds = Math.max(1e-9, (System.nanoTime() - windowStart) / 1e9);
        Map<String, Double> logged = new LinkedHashMap<>();
        logged.put(TRAIN_LOSS, lossSum / lossCount);
        logged.put(LR, learningRate);
        log(ctx, logged);
        LOG.info("{} | loss {} | lr {} | {} samples/s", iteration, String.format("%.6f", lossSum / lossCount),
            String.format("%.3e", learningRate), String.format("%.0f", windowSamples / seconds));
        windowStart = System.nanoTime();
        windowSamples = 0;
        lossSum = 0;
        lossCount = 0;
      }
      callbacks.values().forEach(c -> c.afterUpdate(ctx));
      if (epochEnded) {
        callbacks.values().forEach(c -> c.afterEpoch(ctx));
      }
      if (settings.evaluation() != null && settings.evaluation().isDue(before, iteration)) {
        evaluate(ctx);
      }
    }
    return finish(ctx);
  }

  private boolean finished() {
    if (settings.maxUpdates() > 0) {
      return iteration.update() >= settings.maxUpdates();
    }
    if (settings.maxEpochs() > 0) {
      return iteration.epoch() >= settings.maxEpochs();
    }
    return iteration.sample() >= settings.maxSamples();
  }

  private void evaluate(Context ctx) {
    if (data.validation().isEmpty() || iteration.equals(lastEvaluated)) {
      return;
    }
    Dataset valid = data.validation().get();
    Map<String, Double> result = new LinkedHashMap<>(step.evaluate(valid, VALID));
    lastEvaluated = iteration;
    log(ctx, result);
    LOG.info("{} | evaluation {}", iteration, format(result));
    schedule.onEvaluation(result);
    callbacks.values().forEach(c -> c.afterEvaluation(ctx, result));
  }

  private void log(Context ctx, Map<String, Double> logged) {
    metrics.putAll(logged);
    Map<String, Double> view = java.util.Collections.unmodifiableMap(logged);
    callbacks.values().forEach(c -> c.onMetricsLogged(ctx, view));
  }

  private TrainingResult finish(Context ctx) {
    StopRequest.Stop stop = stopRequest.get();
    StoredCheckpoint last;
    if (stop != null && stop.kind() == StopRequest.Kind.INTERRUPTED) {
      LOG.warn("stopping at {}: {}; writing an emergency checkpoint", iteration, stop.reason());
      last = writer.saveResumable(CheckpointTag.emergency(iteration, "signal"), Set.of(CheckpointTag.LATEST)).join();
    } else {
      evaluate(ctx);
      callbacks.values().forEach(c -> c.afterTraining(ctx));
      last = writer.saveResumable(CheckpointTag.at(iteration), Set.of(CheckpointTag.LATEST, CheckpointTag.LAST)).join();
    }
    writer.flush();
    LOG.info("training {} ended at {}; final checkpoint {}", stage, iteration, last.describe());
    return new TrainingResult(iteration, Map.copyOf(metrics), last, stop);
  }

  private static String format(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(String.format("%.6f", v)));
    return sb.toString();
  }

  @Override
  public void close() {
    writer.close();
  }

  /** Captures the trainer's state for the checkpoint writer. */
  private final class Snapshots implements SnapshotSource {
    @Override
    public TrainingSnapshot snapshot(boolean includeOptimizer) {
      List<ModelSnapshot> models = new ArrayList<>();
      models.add(new ModelSnapshot(model.name(), null, model.stateDict()));
      Context ctx = new Context();
      for (Callback c : callbacks.values()) {
        models.addAll(c.checkpointModels(ctx));
      }
      Map<String, Object> trainer = new LinkedHashMap<>();
      trainer.put(CheckpointKeys.BATCH_IN_EPOCH, batchInEpoch);
      trainer.put(CheckpointKeys.SEED, seed);
      Map<String, Object> callbackStates = new LinkedHashMap<>();
      callbacks.forEach((key, c) -> {
        if (c instanceof Stateful stateful) {
          callbackStates.put(key, stateful.state());
        }
      });
      trainer.put(CheckpointKeys.CALLBACKS, callbackStates);
      trainer.put(CheckpointKeys.METRICS, new LinkedHashMap<String, Object>(metrics));
      trainer.put(CheckpointKeys.LINEAGE, List.copyOf(lineage));
      trainer.put(CheckpointKeys.CONFIG, config);
      Map<String, Map<String, Object>> optimizers = includeOptimizer ? Map.of(model.name(), optimizer.state()) : Map.of();
      Map<String, Map<String, Object>> schedules =
          schedule instanceof Stateful s ? Map.of(model.name(), s.state()) : Map.of();
      return new TrainingSnapshot(iteration, models, modelConfigs(), optimizers, schedules, trainer, extras());
    }

    @Override
    public TrainingIteration iteration() {
      return iteration;
    }

    @Override
    public Map<String, Map<String, Object>> modelConfigs() {
      return Map.of(model.name(), model.config());
    }

    @Override
    public Map<String, Object> extras() {
      return data.extras();
    }
  }

  /** The callbacks' view of the running trainer. */
  private final class Context implements TrainingContext {
    @Override
    public StageId stage() {
      return stage;
    }

    @Override
    public Path stageDir() {
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
      return Map.of(model.name(), model);
    }

    @Override
    public double learningRate() {
      return learningRate;
    }

    @Override
    public Map<String, Double> metrics() {
      return java.util.Collections.unmodifiableMap(metrics);
    }

    @Override
    public Map<String, Double> evaluateValidation() {
      return data.validation().map(v -> step.evaluate(v, VALID)).orElse(Map.of());
    }

    @Override
    public void logMetric(String key, double value) {
      log(this, Map.of(key, value));
    }

    @Override
    public void requestStop(String reason) {
      stopRequest.request(StopRequest.Kind.FINISHED, reason);
    }

    @Override
    public boolean stopRequested() {
      return stopRequest.isRequested();
    }

    @Override
    public CheckpointWriter checkpoints() {
      return writer;
    }
  }

  /** Builds a {@link Trainer}; every {@code set*} is required, {@code opt*} has a default. */
  public static final class Builder {
    private StageId stage;
    private Path stageDir;
    private long seed;
    private TrainerSettings settings;
    private Model model;
    private Optimizer optimizer;
    private double baseLr;
    private LrSchedule schedule = (lr, u, t) -> lr;
    private TrainingStep step;
    private DataSource data;
    private final LinkedHashMap<String, Callback> callbacks = new LinkedHashMap<>();
    private CheckpointStore store;
    private CheckpointEncoder encoder;
    private Map<String, Object> config = Map.of();
    private List<Object> lineage = List.of();
    private StopRequest stopRequest = new StopRequest();

    public Builder setStage(StageId stage, Path stageDir) {
      this.stage = stage;
      this.stageDir = stageDir;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder setSettings(TrainerSettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder setModel(Model model) {
      this.model = model;
      return this;
    }

    public Builder setOptimizer(Optimizer optimizer, double baseLr) {
      this.optimizer = optimizer;
      this.baseLr = baseLr;
      return this;
    }

    public Builder optSchedule(LrSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder setStep(TrainingStep step) {
      this.step = step;
      return this;
    }

    public Builder setData(DataSource data) {
      this.data = data;
      return this;
    }

    /** Adds a callback whose state is saved under {@code key}; callbacks run in the order added. */
    public Builder addCallback(String key, Callback callback) {
      if (callbacks.putIfAbsent(key, callback) != null) {
        throw new IllegalArgumentException("two callbacks share the state key '" + key + "'");
      }
      return this;
    }

    public Builder setStore(CheckpointStore store, CheckpointEncoder encoder) {
      this.store = store;
      this.encoder = encoder;
      return this;
    }

    /** The resolved run configuration, saved in every trainer file. */
    public Builder optConfig(Map<String, Object> config) {
      this.config = config;
      return this;
    }

    /** Entries describing where this run came from (appended to the saved lineage on restore). */
    public Builder optLineage(List<Object> lineage) {
      this.lineage = lineage;
      return this;
    }

    public Builder optStopRequest(StopRequest stopRequest) {
      this.stopRequest = stopRequest;
      return this;
    }

    /**
     * Builds the trainer.
     *
     * @throws NullPointerException naming the first required value that is missing
     */
    public Trainer build() {
      return new Trainer(this);
    }
  }
}
