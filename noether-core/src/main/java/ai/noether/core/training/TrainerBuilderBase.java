package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.data.DataSource;
import ai.noether.api.logger.MetricLogger;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.checkpoint.CheckpointEncoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Trainer} is built from, collected by {@link Trainer.Builder}: every {@code set*} is
 * required, {@code opt*} has a default, {@code add*} accumulates. Generic in the builder's own type
 * so that every call returns {@link Trainer.Builder} (DJL's builders do the same).
 *
 * @param <B> the concrete builder
 */
public abstract class TrainerBuilderBase<B extends TrainerBuilderBase<B>> {
  @Nullable StageId stage;
  @Nullable Path stageDir;
  @Nullable String outputLocation;
  long seed;
  @Nullable TrainerSettings settings;
  @Nullable Model model;
  @Nullable Optimizer optimizer;
  double baseLr;
  LrSchedule schedule = (lr, u, t) -> lr;
  @Nullable TrainingStep step;
  @Nullable DataSource data;
  final LinkedHashMap<String, Callback> callbacks = new LinkedHashMap<>();
  final LinkedHashMap<String, MetricLogger> loggers = new LinkedHashMap<>();
  @Nullable CheckpointStore store;
  @Nullable CheckpointEncoder encoder;
  Map<String, Object> config = Map.of();
  List<Object> lineage = List.of();
  StopRequest stopRequest = new StopRequest();
  NonFiniteLossPolicy nonFiniteLoss = NonFiniteLossPolicy.ERROR;
  int maxFailedSaves = Trainer.DEFAULT_MAX_FAILED_SAVES;
  boolean historyInStageDir = true;

  // Required values stay null until set; Trainer names the first one missing when built.
  TrainerBuilderBase() {}

  /** This builder, as its concrete type. */
  abstract B self();

  public B setStage(StageId stage, Path stageDir) {
    this.stage = stage;
    this.stageDir = stageDir;
    return self();
  }

  /**
   * {@code output_dir} as given, for {@link TrainingContext#outputLocation()}; default: from the
   * work directory.
   */
  public B optOutputLocation(String outputLocation) {
    this.outputLocation = outputLocation;
    return self();
  }

  public B optSeed(long seed) {
    this.seed = seed;
    return self();
  }

  public B setSettings(TrainerSettings settings) {
    this.settings = settings;
    return self();
  }

  public B setModel(Model model) {
    this.model = model;
    return self();
  }

  public B setOptimizer(Optimizer optimizer, double baseLr) {
    this.optimizer = optimizer;
    this.baseLr = baseLr;
    return self();
  }

  public B optSchedule(LrSchedule schedule) {
    this.schedule = schedule;
    return self();
  }

  public B setStep(TrainingStep step) {
    this.step = step;
    return self();
  }

  public B setData(DataSource data) {
    this.data = data;
    return self();
  }

  /** Adds a callback whose state is saved under {@code key}; callbacks run in the order added. */
  public B addCallback(String key, Callback callback) {
    if (callbacks.putIfAbsent(key, callback) != null) {
      throw new IllegalArgumentException("two callbacks share the state key '" + key + "'");
    }
    return self();
  }

  /**
   * Adds an experiment logger; loggers receive metrics in the order added.
   *
   * @param name how warnings name it, e.g. its YAML path {@code trainer.loggers[0]}
   */
  public B addLogger(String name, MetricLogger logger) {
    if (loggers.putIfAbsent(name, Objects.requireNonNull(logger, "logger")) != null) {
      throw new IllegalArgumentException("two loggers share the name '" + name + "'");
    }
    return self();
  }

  public B setStore(CheckpointStore store, CheckpointEncoder encoder) {
    this.store = store;
    this.encoder = encoder;
    return self();
  }

  /** The resolved run configuration, saved in every trainer file. */
  public B optConfig(Map<String, Object> config) {
    this.config = config;
    return self();
  }

  /** Entries describing where this run came from (appended to the saved lineage on restore). */
  public B optLineage(List<Object> lineage) {
    this.lineage = lineage;
    return self();
  }

  public B optStopRequest(StopRequest stopRequest) {
    this.stopRequest = stopRequest;
    return self();
  }

  /** What to do with a NaN or infinite loss; {@link NonFiniteLossPolicy#ERROR} by default. */
  public B optNonFiniteLoss(NonFiniteLossPolicy policy) {
    this.nonFiniteLoss = Objects.requireNonNull(policy, "policy");
    return self();
  }

  /**
   * How many checkpoint saves in a row may fail before training stops with an emergency checkpoint
   * attempt ({@link CheckpointSavesFailedException}); {@value Trainer#DEFAULT_MAX_FAILED_SAVES} by
   * default.
   */
  public B optMaxFailedSaves(int maxFailedSaves) {
    if (maxFailedSaves <= 0) {
      throw new IllegalArgumentException(
          "max_failed_saves must be positive, was " + maxFailedSaves);
    }
    this.maxFailedSaves = maxFailedSaves;
    return self();
  }

  /** False keeps the history in memory and checkpoints only, without {@code history.jsonl}. */
  public B optHistoryFile(boolean enabled) {
    this.historyInStageDir = enabled;
    return self();
  }
}
