package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.state.Stateful;
import ai.noether.core.checkpoint.SnapshotSource;
import ai.noether.core.checkpoint.TrainerState;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.checkpoint.TrainingSnapshot;
import ai.noether.core.history.MetricHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures the trainer's state for the checkpoint writer: the model's and the callbacks' weights,
 * the optimizer and schedule states, and the trainer's own state, which {@link TrainerStateFile}
 * lays out. Called on the training thread, between iterations.
 */
final class TrainerSnapshots implements SnapshotSource {
  private final Model model;
  private final Optimizer optimizer;
  private final double baseLr;
  private final LrSchedule schedule;
  private final Map<String, Callback> callbacks;
  private @Nullable TrainingContext context;
  private final TrainingProgress progress;
  private final long seed;
  private final MetricHistory history;
  private final List<Object> lineage;
  private final Map<String, Object> config;
  private final DataSource data;

  /**
   * @param callbacks by state key, in order
   * @param lineage the run's lineage; read at every snapshot, since a restore extends it
   */
  TrainerSnapshots(
      Model model,
      Optimizer optimizer,
      double baseLr,
      LrSchedule schedule,
      Map<String, Callback> callbacks,
      TrainingProgress progress,
      long seed,
      MetricHistory history,
      List<Object> lineage,
      Map<String, Object> config,
      DataSource data) {
    this.model = model;
    this.optimizer = optimizer;
    this.baseLr = baseLr;
    this.schedule = schedule;
    this.callbacks = callbacks;
    this.progress = progress;
    this.seed = seed;
    this.history = history;
    this.lineage = lineage;
    this.config = config;
    this.data = data;
  }

  /**
   * The context callbacks receive when asked for their models; set once, before the first snapshot.
   */
  void attach(TrainingContext context) {
    this.context = context;
  }

  @Override
  public TrainingSnapshot snapshot(boolean includeOptimizer) {
    List<ModelSnapshot> models = new ArrayList<>();
    models.add(new ModelSnapshot(model.name(), null, model.stateDict()));
    TrainingContext attached = context;
    if (attached == null) {
      throw new IllegalStateException(
          "a snapshot was taken before the trainer attached its context");
    }
    for (Callback c : callbacks.values()) {
      models.addAll(c.checkpointModels(attached));
    }
    // The same order of captures as always: the trainer's state before the optimizer's.
    Map<String, Object> trainer = TrainerStateFile.tree(trainerState());
    Map<String, Map<String, Object>> optimizers =
        includeOptimizer ? Map.of(model.name(), optimizer.state()) : Map.of();
    Map<String, Map<String, Object>> schedules =
        schedule instanceof Stateful s ? Map.of(model.name(), s.state()) : Map.of();
    return new TrainingSnapshot(
        progress.iteration,
        models,
        modelConfigs(),
        optimizers,
        schedules,
        trainer,
        extras(),
        Map.of(model.name(), baseLr > 0 ? progress.learningRate / baseLr : 1.0));
  }

  private TrainerState trainerState() {
    int position = progress.windowPosition();
    TrainerState.Accumulation window =
        position == 0
            ? null
            : new TrainerState.Accumulation(position, progress.accumulate, optimizer.gradients());
    Map<String, Object> callbackStates = new LinkedHashMap<>();
    callbacks.forEach(
        (key, c) -> {
          if (c instanceof Stateful stateful) {
            callbackStates.put(key, stateful.state());
          }
        });
    return new TrainerState(
        progress.batchInEpoch,
        window,
        seed,
        callbackStates,
        progress.metrics,
        progress.lastEvaluated,
        progress.window.sums(),
        progress.learningRate,
        history.state(),
        lineage,
        config,
        // The data's extras hold the scaler's parameters when the data is scaled (every model file
        // has them too).
        data.extras().get(CheckpointKeys.SCALER_PARAMS));
  }

  @Override
  public TrainingIteration iteration() {
    return progress.iteration;
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
