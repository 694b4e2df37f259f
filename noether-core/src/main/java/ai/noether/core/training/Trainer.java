package ai.noether.core.training;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.metric.MetricKeys;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.history.MetricHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: visits batches in the seed-derived order, runs the engine's step, applies the
 * optimizer with the scheduled learning rate, evaluates, calls callbacks in configuration order and
 * writes checkpoints. Engine-neutral: the engine contributes only the {@link TrainingStep}.
 *
 * <p>After each update the trainer, in this order: advances the counters, logs the training loss
 * when the logging interval is due, evaluates when the evaluation interval is due (and at the end),
 * calls {@code afterUpdate} then (at an epoch end) {@code afterEpoch} on every callback, and
 * finally commits the resumable checkpoints callbacks asked for. Logged metrics go to the history,
 * then to the callbacks' {@code onMetricsLogged}, then to the experiment loggers ({@code
 * trainer.loggers}). So a checkpoint at an iteration holds the state after everything that happened
 * at that iteration, and a run resumed from it continues with the next update exactly as the
 * uninterrupted run did.
 *
 * <p>Everything the loop needs to continue is either in a checkpoint (counters, position in the
 * epoch, optimizer, schedule, callback states, metrics, history, the partial logging window) or
 * derived from the seed and the counters (data order, per-update seeds), so {@link #restore}
 * followed by {@link #run} continues bit for bit.
 *
 * <p><b>Gradient accumulation.</b> With {@code accumulate_grad_batches: N} an update is one
 * optimizer step over the mean gradient of N batches (fewer for an epoch's last update): the step
 * runs forward and backward on each batch, gradients add up, and the optimizer divides them by the
 * number of batches before it steps. The update counter, the schedule and every {@code
 * every_n_updates} interval count optimizer steps; the sample counter counts the samples of every
 * batch as it is trained; {@code batch_in_epoch} counts batches. Metrics, evaluations, callbacks
 * and periodic checkpoints happen at update boundaries only; a stop (a signal, an interruption) is
 * honoured between batches, and its emergency checkpoint holds the gradients summed so far, so a
 * resume continues the window bit for bit.
 *
 * <p>The loop is this class; what it calls lives beside it, package-private: the callbacks' view
 * ({@code CallbackContext}), the saves they defer to the end of an iteration ({@code
 * DeferredSaves}), snapshots for the writer ({@code TrainerSnapshots}), restoring ({@code
 * TrainerRestore}), log lines and evaluations ({@code MetricLog}), failures ({@code
 * TrainingFailures}) and the batches of the run ({@code BatchPlan}). The trainer file's layout
 * belongs to {@link ai.noether.core.checkpoint.TrainerStateFile}.
 *
 * <p>Not thread-safe: one thread runs the loop; {@link StopRequest} may be set from any thread.
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** The split name used in validation metric keys ({@code loss/valid/total}). */
  public static final String VALID = "valid";

  /** Metric key of the training loss averaged over the log interval. */
  public static final String TRAIN_LOSS = MetricKeys.totalLoss(MetricKeys.TRAIN);

  /** Metric key of the learning rate. */
  public static final String LR = MetricKeys.LEARNING_RATE;

  /** Emergency tag reason of a checkpoint written because of a stop signal. */
  public static final String REASON_SIGNAL = "signal";

  /** Emergency tag reason of a checkpoint written because a callback asked for an interruption. */
  public static final String REASON_INTERRUPT = "interrupt";

  /** Emergency tag reason of a checkpoint written because training failed. */
  public static final String REASON_ERROR = "error";

  /** Emergency tag reason of a checkpoint written because too many saves in a row had failed. */
  public static final String REASON_SAVES_FAILED = "saves-failed";

  /**
   * Checkpoint saves in a row that may fail before training stops, unless the builder says
   * otherwise.
   */
  public static final int DEFAULT_MAX_FAILED_SAVES = 3;

  private final StageId stage;
  private final long seed;
  private final TrainerSettings settings;
  private final Optimizer optimizer;
  private final double baseLr;
  private final LrSchedule schedule;
  private final TrainingStep step;
  private final List<Callback> callbacks;
  private final StopRequest stopRequest;
  private final NonFiniteLossPolicy nonFiniteLoss;
  private final BackgroundCheckpointWriter writer;
  private final DeferredSaves deferredSaves;
  private final MetricHistory history;
  private final Loggers loggers;
  private final BatchPlan plan;
  private final TrainingProgress progress;
  private final CallbackContext context;
  private final MetricLog metricLog;
  private final TrainerRestore restorer;
  private final TrainingFailures failures;
  private final ResumeCommandLine resumeCommand;

  /** What a failure now would leave behind. */
  private TrainingFailures.Phase phase = TrainingFailures.Phase.CONSISTENT;

  /** True once {@link #restore} ran: the stage continues a checkpoint instead of starting fresh. */
  private boolean restored;

  private Trainer(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage");
    Objects.requireNonNull(b.stageDir, "stageDir");
    this.seed = b.seed;
    this.settings = Objects.requireNonNull(b.settings, "settings");
    Objects.requireNonNull(b.model, "model");
    this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
    this.baseLr = b.baseLr;
    this.schedule = Objects.requireNonNull(b.schedule, "schedule");
    this.step = Objects.requireNonNull(b.step, "step");
    DataSource data = Objects.requireNonNull(b.data, "data");
    Map<String, Callback> byKey = new LinkedHashMap<>(b.callbacks);
    this.callbacks = List.copyOf(byKey.values());
    List<Object> lineage = new ArrayList<>(b.lineage);
    this.stopRequest = b.stopRequest;
    this.nonFiniteLoss = b.nonFiniteLoss;
    this.history =
        new MetricHistory(b.historyInStageDir ? RunLayout.historyFileIn(b.stageDir) : null);
    this.plan = new BatchPlan(seed, settings, data.train().size());
    long totalUpdates = plan.totalUpdates;
    this.progress = new TrainingProgress(settings.accumulateGradBatches());
    CheckpointContents contents =
        new CheckpointContents(stage, Objects.requireNonNull(b.encoder, "encoder"));
    TrainerSnapshots snapshots =
        new TrainerSnapshots(
            b.model, optimizer, baseLr, schedule, byKey, progress, seed, history, lineage, b.config,
            data);
    this.writer =
        new BackgroundCheckpointWriter(
            Objects.requireNonNull(b.store, "store"), stage, contents, snapshots);
    this.deferredSaves = new DeferredSaves(writer);
    if (progress.accumulate > 1 && !optimizer.accumulatesGradients()) {
      throw new IllegalArgumentException(
          "optimizer '"
              + optimizer.kind()
              + "' cannot accumulate gradients; set"
              + " trainer.accumulate_grad_batches: 1");
    }
    progress.learningRate = schedule.learningRate(baseLr, 0, totalUpdates);
    this.loggers =
        new Loggers(
            b.loggers, stage, b.stageDir, totalUpdates, history, b.store, () -> progress.iteration);
    this.metricLog = new MetricLog(progress, history, loggers, callbacks, data, step, schedule);
    this.context =
        new CallbackContext(
            stage,
            b.stageDir,
            b.outputLocation,
            totalUpdates,
            b.model,
            data,
            step,
            progress,
            stopRequest,
            callbacks,
            metricLog::log,
            writer,
            deferredSaves);
    // Both call callbacks, so they need the context; it needs the writer and the log.
    metricLog.attach(context);
    snapshots.attach(context);
    this.restorer =
        new TrainerRestore(progress, optimizer, schedule, baseLr, byKey, history, lineage, plan);
    this.resumeCommand = new ResumeCommandLine(stage, b.stageDir, b.outputLocation);
    this.failures =
        new TrainingFailures(stage, b.stageDir, writer, progress, b.maxFailedSaves, resumeCommand);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The counters. */
  public TrainingIteration iteration() {
    return progress.iteration;
  }

  /** The stop flag signal handlers set. */
  public StopRequest stopRequest() {
    return stopRequest;
  }

  /** The metric history of this stage (restored on resume). */
  public MetricHistory history() {
    return history;
  }

  /** Updates this run makes in total. */
  public long totalUpdates() {
    return plan.totalUpdates;
  }

  /** Writes checkpoints of this trainer's stage. */
  public CheckpointWriter checkpoints() {
    return writer;
  }

  /**
   * Restores the trainer's part of a checkpoint: counters, position in the epoch, optimizer and
   * schedule state, callback states, metrics, history, lineage. Model weights are restored by the
   * caller before. Rewrites {@code history.jsonl} to the checkpoint's history plus a resume marker.
   *
   * @throws IllegalArgumentException naming the key when the saved state does not fit
   * @throws ai.noether.api.checkpoint.UnsupportedCheckpointFormatException when the trainer file
   *     was written in a newer format than this build reads
   */
  public void restore(ResumeState state) {
    this.restored = true;
    restorer.restore(state);
  }

  /**
   * Trains until a limit is reached or a stop is requested, then writes the final checkpoint
   * ({@code last} and {@code latest}), or on an interruption an emergency checkpoint.
   *
   * @throws TrainingFailedException when an update, an evaluation or a callback fails; the message
   *     names the checkpoint to resume from
   * @throws CheckpointSavesFailedException when the last {@code max_failed_saves} saves all failed
   *     (a full disk): training stops there instead of going on without checkpoints
   */
  public TrainingResult run() {
    LOG.info(
        "training {} for {} updates ({} per epoch, batch size {}) from {}",
        stage,
        plan.totalUpdates,
        plan.updatesPerEpoch,
        settings.batchSize(),
        progress.iteration);
    try {
      loggers.start();
      callbacks.forEach(c -> c.beforeTraining(context));
      deferredSaves.commit();
      boolean savesFailing = false;
      while (!plan.finished(progress) && !stopRequest.isRequested()) {
        // Saves complete in the background: a failure shows up here one or more updates later.
        if (failures.tooManySavesFailed()) {
          savesFailing = true;
          break;
        }
        trainOneBatch();
      }
      if (!savesFailing) {
        return finish();
      }
    } catch (RuntimeException e) {
      throw failures.fail(e, phase, restored);
    }
    throw failures.savesFail();
  }

  /**
   * Trains one batch; when it ends an accumulation window (always, without accumulation), steps the
   * optimizer and does everything that follows an update.
   */
  private void trainOneBatch() {
    long started = System.nanoTime();
    TrainingIteration iteration = progress.iteration;
    long[] batch = plan.batch(iteration.epoch(), progress.batchInEpoch);
    progress.learningRate = schedule.learningRate(baseLr, iteration.update(), plan.totalUpdates);
    int position = progress.windowPosition();
    phase = position > 0 ? TrainingFailures.Phase.INSIDE_WINDOW : TrainingFailures.Phase.CONSISTENT;
    plan.announceUpcoming(step, progress);
    StepResult result = step.trainStep(batch, Seeds.forBatch(seed, iteration.update(), position));
    double loss = result.loss();
    if (!Double.isFinite(loss) && nonFiniteLoss == NonFiniteLossPolicy.ERROR) {
      throw new NonFiniteLossException(loss, iteration);
    }
    if (position + 1 < progress.accumulate && progress.batchInEpoch + 1 < plan.batchesPerEpoch) {
      // Inside a window: the gradients add up; the update happens after its last batch.
      progress.iteration =
          new TrainingIteration(
              iteration.epoch(), iteration.update(), iteration.sample() + batch.length);
      progress.batchInEpoch++;
      progress.window.add(result, batch.length, System.nanoTime() - started);
      phase = TrainingFailures.Phase.CONSISTENT;
      return;
    }
    phase = TrainingFailures.Phase.UPDATING_WEIGHTS;
    optimizer.step(progress.learningRate, position + 1);
    // Intervals compare the counters at the start of the window with those after the update.
    TrainingIteration before =
        new TrainingIteration(
            iteration.epoch(),
            iteration.update(),
            iteration.sample() - (long) position * settings.batchSize());
    progress.iteration = iteration.nextUpdate(batch.length);
    progress.batchInEpoch++;
    boolean epochEnded = progress.batchInEpoch >= plan.batchesPerEpoch;
    if (epochEnded) {
      progress.iteration = progress.iteration.nextEpoch();
      progress.batchInEpoch = 0;
    }
    phase = TrainingFailures.Phase.CONSISTENT;
    progress.window.add(result, batch.length, System.nanoTime() - started);
    if (settings.logging().isDue(before, progress.iteration) || plan.finished(progress)) {
      metricLog.logTrainingWindow();
    }
    if (plan.finished(progress)
        || (settings.evaluation() != null
            && settings.evaluation().isDue(before, progress.iteration))) {
      metricLog.evaluate();
    }
    callbacks.forEach(c -> c.afterUpdate(context));
    if (epochEnded) {
      callbacks.forEach(c -> c.afterEpoch(context));
    }
    deferredSaves.commit();
  }

  private TrainingResult finish() {
    StopRequest.Stop stop = stopRequest.get();
    StoredCheckpoint last;
    TrainingIteration iteration = progress.iteration;
    if (stop != null && stop.kind() == StopRequest.Kind.INTERRUPTED) {
      LOG.warn("stopping at {}: {}; writing an emergency checkpoint", iteration, stop.reason());
      last =
          writer
              .saveResumable(
                  CheckpointTag.emergency(iteration, stop.emergencyReason()),
                  Set.of(CheckpointTag.LATEST))
              .join();
      // The command line prints how to continue once; library callers read it from the result.
      LOG.debug("resume with: {}", resumeCommand.forCheckpoint(null));
    } else {
      if (progress.window.count() > 0) {
        metricLog.logTrainingWindow();
      }
      metricLog.evaluate();
      callbacks.forEach(c -> c.afterTraining(context));
      deferredSaves.commit();
      last =
          writer
              .saveResumable(
                  CheckpointTag.at(iteration), Set.of(CheckpointTag.LATEST, CheckpointTag.LAST))
              .join();
    }
    writer.flush();
    loggers.finish();
    LOG.info("training {} ended at {}; final checkpoint {}", stage, iteration, last.describe());
    return new TrainingResult(iteration, Map.copyOf(progress.metrics), last, stop);
  }

  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      history.close();
    }
  }

  /** Builds a {@link Trainer}; the settings are those of {@link TrainerBuilderBase}. */
  public static final class Builder extends TrainerBuilderBase<Builder> {
    Builder() {}

    @Override
    Builder self() {
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
