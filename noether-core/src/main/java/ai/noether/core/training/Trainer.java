package ai.noether.core.training;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.CheckpointWriter;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.logger.MetricLogger;
import ai.noether.api.metric.MetricKeys;
import ai.noether.api.model.Model;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.state.Stateful;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.checkpoint.CheckpointContents;
import ai.noether.core.checkpoint.CheckpointEncoder;
import ai.noether.core.checkpoint.SnapshotSource;
import ai.noether.core.checkpoint.TrainingSnapshot;
import ai.noether.core.history.MetricHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: visits batches in the seed-derived order, runs the engine's step, applies the
 * optimizer with the scheduled learning rate, evaluates, calls callbacks in configuration order and
 * writes checkpoints. Engine-neutral: the engine contributes only the {@link TrainingStep}.
 *
 * <p>After each update the trainer, in this order: advances the counters, logs the training loss
 * when the logging interval is due, evaluates when the evaluation interval is due (and at the end),
 * calls {@code afterUpdate} then (at an epoch end) {@code afterEpoch} on every callback, and finally
 * commits the resumable checkpoints callbacks asked for. Logged metrics go to the history, then
 * to the callbacks' {@code onMetricsLogged}, then to the experiment loggers
 * ({@code trainer.loggers}). So a checkpoint at an iteration holds the state after everything that
 * happened at that iteration, and a run resumed from it continues with
 * the next update exactly as the uninterrupted run did.
 *
 * <p>Everything the loop needs to continue is either in a checkpoint (counters, position in the
 * epoch, optimizer, schedule, callback states, metrics, history, the partial logging window) or
 * derived from the seed and the counters (data order, per-update seeds), so {@link #restore}
 * followed by {@link #run} continues bit for bit.
 *
 * <p><b>Gradient accumulation.</b> With {@code accumulate_grad_batches: N} an update is one
 * optimizer step over the mean gradient of N batches (fewer for an epoch's last update): the step
 * runs forward and backward on each batch, gradients add up, and the optimizer divides them by the
 * number of batches before it steps. The update counter, the schedule and every
 * {@code every_n_updates} interval count optimizer steps; the sample counter counts the samples of
 * every batch as it is trained; {@code batch_in_epoch} counts batches. Metrics, evaluations,
 * callbacks and periodic checkpoints happen at update boundaries only; a stop (a signal, an
 * interruption) is honoured between batches, and its emergency checkpoint holds the gradients
 * summed so far, so a resume continues the window bit for bit.
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
  /** Checkpoint saves in a row that may fail before training stops, unless the builder says otherwise. */
  public static final int DEFAULT_MAX_FAILED_SAVES = 3;

  private final StageId stage;
  private final Path stageDir;
  private final String outputLocation;
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
  private final NonFiniteLossPolicy nonFiniteLoss;
  private final int maxFailedSaves;
  private final BackgroundCheckpointWriter writer;
  private final DeferredSaves deferredSaves = new DeferredSaves();
  private final MetricHistory history;
  private final Loggers loggers;
  private final DataOrder order;
  private final long totalUpdates;
  private final long updatesPerEpoch;
  private final long batchesPerEpoch;
  private final int accumulate;
  private final Context context = new Context();

  private TrainingIteration iteration = TrainingIteration.ZERO;
  private long batchInEpoch;
  private double learningRate;
  private final Map<String, Double> metrics = new TreeMap<>();
  private TrainingIteration lastEvaluated;
  private final LogWindow window = new LogWindow();
  /** While callbacks see an evaluation: the metrics its log line shows; else null. */
  private Map<String, Double> evaluationLine;
  /** True while the optimizer changes weights: a failure then leaves no consistent state to save. */
  private boolean updating;
  /**
   * True while a batch inside an accumulation window runs: a failure then may have added part of
   * its gradients to the window's, so no consistent state is left to save.
   */
  private boolean accumulating;
  /** True once {@link #restore} ran: the stage continues a checkpoint instead of starting fresh. */
  private boolean restored;

  private Trainer(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage");
    this.stageDir = Objects.requireNonNull(b.stageDir, "stageDir");
    this.outputLocation = b.outputLocation;
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
    this.nonFiniteLoss = b.nonFiniteLoss;
    this.maxFailedSaves = b.maxFailedSaves;
    this.history = new MetricHistory(b.historyInStageDir ? stageDir.resolve(MetricHistory.FILE_NAME) : null);
    CheckpointContents contents = new CheckpointContents(stage, Objects.requireNonNull(b.encoder, "encoder"));
    this.writer = new BackgroundCheckpointWriter(Objects.requireNonNull(b.store, "store"), stage, contents, new Snapshots());
    long trainSize = data.train().size();
    this.order = new DataOrder(seed, trainSize);
    this.totalUpdates = settings.totalUpdates(trainSize);
    this.updatesPerEpoch = settings.updatesPerEpoch(trainSize);
    this.batchesPerEpoch = settings.batchesPerEpoch(trainSize);
    this.accumulate = settings.accumulateGradBatches();
    if (accumulate > 1 && !optimizer.accumulatesGradients()) {
      throw new IllegalArgumentException("optimizer '" + optimizer.kind() + "' cannot accumulate gradients; set"
          + " trainer.accumulate_grad_batches: 1");
    }
    this.learningRate = schedule.learningRate(baseLr, 0, totalUpdates);
    this.loggers = new Loggers(b.loggers, stage, stageDir, totalUpdates, history, b.store, () -> iteration);
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

  /** The metric history of this stage (restored on resume). */
  public MetricHistory history() {
    return history;
  }

  /** Updates this run makes in total. */
  public long totalUpdates() {
    return totalUpdates;
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
   */
  @SuppressWarnings("unchecked")
  public void restore(ResumeState state) {
    Map<String, Object> tree = state.trainer();
    this.restored = true;
    this.iteration = state.iteration();
    if (!tree.containsKey(CheckpointKeys.BATCH_IN_EPOCH) && !tree.containsKey(CheckpointKeys.FORMAT_VERSION)) {
      // Noether (Python) records no position in the epoch: it checkpoints at the start of one.
      this.batchInEpoch = (iteration.update() - iteration.epoch() * updatesPerEpoch) * accumulate;
      if (batchInEpoch < 0 || batchInEpoch >= batchesPerEpoch) {
        throw new IllegalArgumentException("the checkpoint (written by Noether (Python)) is at " + iteration
            + ", which is not a position in this run's epochs of " + updatesPerEpoch + " updates; the batch size or the"
            + " dataset differs from the run that wrote it");
      }
      LOG.info("checkpoint written by Noether (Python): continuing at batch {} of epoch {}; its callback states"
          + " ({}) belong to Python's callbacks, so the callbacks start fresh", batchInEpoch, iteration.epoch(),
          CheckpointKeys.CALLBACK_STATE_DICTS);
    } else {
      this.batchInEpoch = longValue(tree, CheckpointKeys.BATCH_IN_EPOCH, 0);
    }
    if (batchInEpoch >= batchesPerEpoch) {
      throw new IllegalArgumentException(
          "the checkpoint is at batch " + batchInEpoch + " of an epoch, but this run has only " + batchesPerEpoch
              + " batches per epoch; the batch size or the dataset changed since the checkpoint was written");
    }
    restoreAccumulation(tree);
    if (state.optimizer() != null) {
      optimizer.loadState(state.optimizer());
    }
    if (schedule instanceof Stateful stateful && !state.schedule().isEmpty()) {
      stateful.loadState(state.schedule());
    }
    Map<String, Object> callbackStates = (Map<String, Object>) tree.getOrDefault(CheckpointKeys.CALLBACKS, Map.of());
    for (Map.Entry<String, Callback> c : callbacks.entrySet()) {
      Object saved = callbackStates.get(c.getKey());
      if (c.getValue() instanceof Stateful stateful && saved != null) {
        try {
          stateful.loadState((Map<String, Object>) saved);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("the saved state of callback '" + c.getKey() + "' does not fit it: "
              + e.getMessage(), e);
        }
      } else if (c.getValue() instanceof Stateful) {
        LOG.info("callback '{}' has no saved state in the checkpoint; it starts fresh", c.getKey());
      }
    }
    Map<String, Object> savedMetrics = (Map<String, Object>) tree.getOrDefault(CheckpointKeys.METRICS, Map.of());
    metrics.clear();
    savedMetrics.forEach((k, v) -> metrics.put(k, ((Number) v).doubleValue()));
    Object evaluated = tree.get(CheckpointKeys.LAST_EVALUATED);
    lastEvaluated = evaluated instanceof String s ? TrainingIteration.parse(s) : null;
    window.loadState((Map<String, Object>) tree.getOrDefault(CheckpointKeys.LOG_WINDOW, Map.of()));
    Map<String, Object> savedHistory = (Map<String, Object>) tree.get(CheckpointKeys.HISTORY);
    if (savedHistory != null) {
      history.loadState(savedHistory);
    }
    history.markResume(iteration, state.source());
    history.rewriteFile();
    List<Object> merged = new ArrayList<>((List<Object>) tree.getOrDefault(CheckpointKeys.LINEAGE, List.of()));
    merged.addAll(lineage);
    lineage.clear();
    lineage.addAll(merged);
    // Files written before the rate was saved: the next update's rate is the best guess.
    this.learningRate = tree.get(CheckpointKeys.LAST_LEARNING_RATE) instanceof Number saved
        ? saved.doubleValue() : schedule.learningRate(baseLr, iteration.update(), totalUpdates);
  }

  /**
   * Checks that the checkpoint's position fits this run's accumulation windows, and loads the
   * gradients a checkpoint taken inside a window summed so far.
   *
   * @throws ai.noether.api.ConfigException when it was taken inside a window and this run's
   *     {@code accumulate_grad_batches} puts it elsewhere, naming the value to resume with
   */
  @SuppressWarnings("unchecked")
  private void restoreAccumulation(Map<String, Object> tree) {
    long saved = longValue(tree, CheckpointKeys.ACCUMULATED_BATCHES, 0);
    if (saved == windowPosition() && saved == 0) {
      return;
    }
    if (saved != windowPosition()) {
      Object written = tree.get(CheckpointKeys.ACCUMULATE_GRAD_BATCHES);
      throw new ai.noether.api.ConfigException("the checkpoint is at batch " + batchInEpoch + " of an epoch, "
          + (saved == 0 ? "at an update boundary" : "after " + saved + " batches of a gradient-accumulation window")
          + ", which is " + (windowPosition() == 0 ? "a boundary" : "inside a window") + " with this run's"
          + " trainer.accumulate_grad_batches: " + accumulate + "; resume with the value the checkpoint was written"
          + " with" + (written == null ? "" : " (accumulate_grad_batches: " + written + ")"));
    }
    Object gradients = tree.get(CheckpointKeys.ACCUMULATED_GRADIENTS);
    if (!(gradients instanceof Map<?, ?>)) {
      throw new ai.noether.api.NoetherException("the checkpoint was taken inside a gradient-accumulation window but holds no '"
          + CheckpointKeys.ACCUMULATED_GRADIENTS + "'");
    }
    optimizer.loadGradients((Map<String, ai.noether.api.tensor.HostTensor>) gradients);
    LOG.info("continuing a gradient-accumulation window after {} of its batches", saved);
  }

  /** Batches of the current accumulation window trained so far; windows start with each epoch. */
  private int windowPosition() {
    return (int) (batchInEpoch % accumulate);
  }

  private static long longValue(Map<String, Object> tree, String key, long fallback) {
    Object v = tree.get(key);
    return v instanceof Number n ? n.longValue() : fallback;
  }

  /**
   * Trains until a limit is reached or a stop is requested, then writes the final checkpoint
   * ({@code last} and {@code latest}), or on an interruption an emergency checkpoint.
   *
   * @throws TrainingFailedException when an update, an evaluation or a callback fails; the
   *     message names the checkpoint to resume from
   * @throws CheckpointSavesFailedException when the last {@code max_failed_saves} saves all failed
   *     (a full disk): training stops there instead of going on without checkpoints
   */
  public TrainingResult run() {
    LOG.info("training {} for {} updates ({} per epoch, batch size {}) from {}", stage, totalUpdates,
        updatesPerEpoch, settings.batchSize(), iteration);
    try {
      loggers.start();
      callbacks.values().forEach(c -> c.beforeTraining(context));
      deferredSaves.commit();
      boolean savesFailing = false;
      while (!finished() && !stopRequest.isRequested()) {
        // Saves complete in the background: a failure shows up here one or more updates later.
        if (writer.consecutiveFailures() >= maxFailedSaves) {
          savesFailing = true;
          break;
        }
        trainOneBatch();
      }
      if (!savesFailing) {
        return finish();
      }
    } catch (RuntimeException e) {
      throw fail(e);
    }
    throw stopBecauseSavesFail();
  }

  /**
   * Stops after {@code max_failed_saves} failed saves in a row: every further update would be work
   * that no checkpoint protects. Tries once more to save the current state (space may have been
   * freed, and a save can fail for a reason that passed), then fails with what is needed to go on.
   */
  private CheckpointSavesFailedException stopBecauseSavesFail() {
    writer.flush();
    Throwable last = writer.lastFailure();
    StoredCheckpoint newest = writer.lastCommitted();
    String why = "training " + stage + " stopped at " + iteration + " because the last " + writer.consecutiveFailures()
        + " checkpoint saves failed (trainer.max_failed_saves: " + maxFailedSaves + "); the last failure: "
        + describe(last);
    Path checkpoints = stageDir.resolve(RunLayout.CHECKPOINTS);
    try {
      StoredCheckpoint saved = writer.saveResumable(CheckpointTag.emergency(iteration, REASON_SAVES_FAILED),
          Set.of(CheckpointTag.LATEST)).join();
      LOG.error("{}; wrote emergency checkpoint {}", why, saved.describe());
      return new CheckpointSavesFailedException(why + "\nThe emergency checkpoint " + saved.describe() + " of the state at"
          + " the stop was written after all, so nothing is lost. " + SaveSpace.advice(last, checkpoints)
          + " Then continue with: " + resumeCommand(null), true, last);
    } catch (RuntimeException e) {
      LOG.error("{}; the emergency checkpoint could not be written either: {}", why, describe(e));
      // The emergency save's own failure is the freshest word on how much space is needed.
      Throwable cause = writer.lastFailure() != null ? writer.lastFailure() : last;
      CheckpointSavesFailedException failed = new CheckpointSavesFailedException(why + "\nThe emergency checkpoint"
          + " could not be written either (" + describe(e) + "); the updates since "
          + (newest == null ? "the start" : "the newest checkpoint, " + newest.describe() + ",") + " are lost. "
          + SaveSpace.advice(cause, checkpoints) + " Then continue with: " + resumeCommand(null), false, last);
      failed.addSuppressed(e);
      return failed;
    }
  }

  /**
   * Trains one batch; when it ends an accumulation window (always, without accumulation), steps the
   * optimizer and does everything that follows an update.
   */
  private void trainOneBatch() {
    long started = System.nanoTime();
    long[] batch = order.batch(iteration.epoch(), batchInEpoch, settings.batchSize());
    learningRate = schedule.learningRate(baseLr, iteration.update(), totalUpdates);
    int position = windowPosition();
    accumulating = position > 0;
    announceUpcomingBatches();
    StepResult result = step.trainStep(batch, Seeds.forBatch(seed, iteration.update(), position));
    double loss = result.loss();
    if (!Double.isFinite(loss) && nonFiniteLoss == NonFiniteLossPolicy.ERROR) {
      throw new NonFiniteLossException(loss, iteration);
    }
    if (position + 1 < accumulate && batchInEpoch + 1 < batchesPerEpoch) {
      // Inside a window: the gradients add up; the update happens after its last batch.
      iteration = new TrainingIteration(iteration.epoch(), iteration.update(), iteration.sample() + batch.length);
      batchInEpoch++;
      window.add(result, batch.length, System.nanoTime() - started);
      accumulating = false;
      return;
    }
    updating = true;
    accumulating = false;
    optimizer.step(learningRate, position + 1);
    // Intervals compare the counters at the start of the window with those after the update.
    TrainingIteration before = new TrainingIteration(iteration.epoch(), iteration.update(),
        iteration.sample() - (long) position * settings.batchSize());
    iteration = iteration.nextUpdate(batch.length);
    batchInEpoch++;
    boolean epochEnded = batchInEpoch >= batchesPerEpoch;
    if (epochEnded) {
      iteration = iteration.nextEpoch();
      batchInEpoch = 0;
    }
    updating = false;
    window.add(result, batch.length, System.nanoTime() - started);
    if (settings.logging().isDue(before, iteration) || finished()) {
      logTrainingWindow();
    }
    if (finished() || (settings.evaluation() != null && settings.evaluation().isDue(before, iteration))) {
      evaluate();
    }
    callbacks.values().forEach(c -> c.afterUpdate(context));
    if (epochEnded) {
      callbacks.values().forEach(c -> c.afterEpoch(context));
    }
    deferredSaves.commit();
  }

  /**
   * Tells the step which samples the next updates train on, so that it can gather them while this
   * update runs ({@link TrainingStep#prefetch}); the order comes from {@link DataOrder} as always.
   */
  private void announceUpcomingBatches() {
    int depth = step.prefetchDepth();
    long epoch = iteration.epoch();
    long position = batchInEpoch;
    // Batches, not updates: with accumulate_grad_batches an update trains on several of them.
    long lastEpoch = (totalUpdates - 1) / Math.max(1, updatesPerEpoch);
    for (int ahead = 1; ahead <= depth; ahead++) {
      if (++position >= batchesPerEpoch) {
        position = 0;
        epoch++;
      }
      if (epoch > lastEpoch) {
        break;
      }
      step.prefetch(order.batch(epoch, position, settings.batchSize()));
    }
  }

  private boolean finished() {
    if (windowPosition() > 0) {
      return false;
    }
    if (settings.maxUpdates() > 0) {
      return iteration.update() >= settings.maxUpdates();
    }
    if (settings.maxEpochs() > 0) {
      return iteration.epoch() >= settings.maxEpochs();
    }
    return iteration.sample() >= settings.maxSamples();
  }

  private void logTrainingWindow() {
    Map<String, Double> logged = new LinkedHashMap<>();
    logged.put(TRAIN_LOSS, window.meanLoss());
    Map<String, Double> stepMetrics = window.meanMetrics();
    logged.putAll(stepMetrics);
    logged.put(LR, learningRate);
    log(logged);
    double rate = window.samplesPerSecond();
    LOG.info("{} | loss {}{} | lr {}{}", iteration, MetricFormat.format(window.meanLoss()),
        stepMetrics.isEmpty() ? "" : " | " + format(stepMetrics), MetricFormat.format(learningRate),
        Double.isNaN(rate) ? "" : " | " + String.format("%.0f", rate) + " samples/s");
    window.reset();
  }

  private void evaluate() {
    if (data.validation().isEmpty() || iteration.equals(lastEvaluated)) {
      return;
    }
    Dataset valid = data.validation().get();
    Map<String, Double> result = new LinkedHashMap<>(step.evaluate(valid, VALID));
    lastEvaluated = iteration;
    log(result);
    schedule.onEvaluation(result);
    Map<String, Double> view = Collections.unmodifiableMap(result);
    // What callbacks log while they see the evaluation (the EMA weights' metrics) joins its line.
    Map<String, Double> line = new LinkedHashMap<>(result);
    evaluationLine = line;
    try {
      callbacks.values().forEach(c -> c.afterEvaluation(context, view));
    } finally {
      evaluationLine = null;
    }
    LOG.info("{} | evaluation {}", iteration, format(line));
  }

  private void log(Map<String, Double> logged) {
    if (evaluationLine != null) {
      evaluationLine.putAll(logged);
    }
    metrics.putAll(logged);
    history.append(iteration, logged);
    Map<String, Double> view = Collections.unmodifiableMap(logged);
    callbacks.values().forEach(c -> c.onMetricsLogged(context, view));
    if (!logged.isEmpty()) {
      loggers.log(iteration, Collections.unmodifiableMap(new LinkedHashMap<>(logged)));
    }
  }

  private TrainingResult finish() {
    StopRequest.Stop stop = stopRequest.get();
    StoredCheckpoint last;
    if (stop != null && stop.kind() == StopRequest.Kind.INTERRUPTED) {
      LOG.warn("stopping at {}: {}; writing an emergency checkpoint", iteration, stop.reason());
      last = writer.saveResumable(CheckpointTag.emergency(iteration, stop.checkpointReason()),
          Set.of(CheckpointTag.LATEST)).join();
      // The command line prints how to continue once; library callers read it from the result.
      LOG.debug("resume with: {}", resumeCommand(null));
    } else {
      if (window.count() > 0) {
        logTrainingWindow();
      }
      evaluate();
      callbacks.values().forEach(c -> c.afterTraining(context));
      deferredSaves.commit();
      last = writer.saveResumable(CheckpointTag.at(iteration), Set.of(CheckpointTag.LATEST, CheckpointTag.LAST)).join();
    }
    writer.flush();
    loggers.finish();
    LOG.info("training {} ended at {}; final checkpoint {}", stage, iteration, last.describe());
    return new TrainingResult(iteration, Map.copyOf(metrics), last, stop);
  }

  /**
   * Turns a failure into a {@link TrainingFailedException} after saving what can be saved: unless
   * the failure happened while the optimizer was changing weights, the state is that of a complete
   * iteration and an emergency checkpoint of it is written.
   */
  private TrainingFailedException fail(RuntimeException e) {
    String where = "training " + stage + " failed at " + iteration + ": " + describe(e);
    writer.flush();
    if (!restored && iteration.equals(TrainingIteration.ZERO) && writer.lastCommitted() == null) {
      // Nothing was trained: a checkpoint of the initial weights would only block a fresh start
      // under this run id, and resuming from it would meet the same failure.
      return new TrainingFailedException(where + "\nIt failed at the first update of a fresh stage, before anything was"
          + " trained, so no checkpoint was written and there is nothing to resume: fix the cause (the configuration"
          + " or the data named above) and start the run again with the same command.", e);
    }
    if (updating) {
      StoredCheckpoint newest = writer.lastCommitted();
      return new TrainingFailedException(where + "\nThe failure happened while weights were being updated, so no "
          + "emergency checkpoint was written; resume from " + (newest == null ? "the start" : newest.describe()), e);
    }
    if (accumulating) {
      StoredCheckpoint newest = writer.lastCommitted();
      return new TrainingFailedException(where + "\nThe failure happened in batch " + (windowPosition() + 1) + " of a "
          + "gradient-accumulation window, whose summed gradients it may have changed, so no emergency checkpoint was"
          + " written; resume from " + (newest == null ? "the start" : newest.describe()), e);
    }
    try {
      StoredCheckpoint saved = writer.saveResumable(CheckpointTag.emergency(iteration, REASON_ERROR),
          Set.of(CheckpointTag.LATEST)).join();
      LOG.error("{}; wrote emergency checkpoint {}", where, saved.describe());
      return new TrainingFailedException(where + "\nWrote emergency checkpoint " + saved.describe() + " of the last "
          + "good state; resume with: " + resumeCommand(saved.tag().token()), e);
    } catch (RuntimeException saveFailure) {
      e.addSuppressed(saveFailure);
      return new TrainingFailedException(where + "\nThe emergency checkpoint could not be written either ("
          + describe(saveFailure) + ")", e);
    }
  }

  /**
   * The command that continues this stage, ready to paste: the stage directory is
   * {@code <output_dir>/<run_id>/<stage_name>}, so the output directory is named too.
   *
   * @param checkpoint the tag to resume from, or null for the stage's latest checkpoint
   */
  private String resumeCommand(String checkpoint) {
    Path runDir = stageDir.toAbsolutePath().getParent();
    Object outputDir = outputLocation != null ? outputLocation : runDir == null ? null : runDir.getParent();
    return "./noether resume " + stage.runId() + " --stage " + stage.stageName()
        + (outputDir == null ? "" : " --output-dir " + outputDir) + (checkpoint == null ? "" : " --checkpoint " + checkpoint);
  }

  private static String describe(Throwable e) {
    Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static String format(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(MetricFormat.format(v)));
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      history.close();
    }
  }

  /** Thrown inside the loop when a loss is NaN or infinite and the policy says to stop. */
  static final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NonFiniteLossException(double loss, TrainingIteration at) {
      super("the loss of update " + (at.update() + 1) + " is " + loss + "; the update was not applied "
          + "(set trainer.non_finite_loss: ignore to train on regardless)");
    }
  }

  /**
   * Resumable saves that callbacks request during an iteration. They are taken once, after every
   * hook of the iteration ran, so the checkpoint holds the complete state of that iteration.
   */
  private final class DeferredSaves {
    private final List<CompletableFuture<StoredCheckpoint>> waiting = new ArrayList<>();
    private boolean includeOptimizer;
    private boolean moveLatest;

    CompletableFuture<StoredCheckpoint> request(boolean withOptimizer, boolean latest) {
      CompletableFuture<StoredCheckpoint> f = new CompletableFuture<>();
      waiting.add(f);
      includeOptimizer |= withOptimizer;
      moveLatest |= latest;
      return f;
    }

    void commit() {
      if (waiting.isEmpty()) {
        return;
      }
      List<CompletableFuture<StoredCheckpoint>> done = List.copyOf(waiting);
      CompletableFuture<StoredCheckpoint> save = writer.saveResumable(includeOptimizer, moveLatest);
      waiting.clear();
      includeOptimizer = false;
      moveLatest = false;
      save.whenComplete((stored, error) -> done.forEach(f -> {
        if (error != null) {
          f.completeExceptionally(error);
        } else {
          f.complete(stored);
        }
      }));
    }
  }

  /** Captures the trainer's state for the checkpoint writer. */
  private final class Snapshots implements SnapshotSource {
    @Override
    public TrainingSnapshot snapshot(boolean includeOptimizer) {
      List<ModelSnapshot> models = new ArrayList<>();
      models.add(new ModelSnapshot(model.name(), null, model.stateDict()));
      for (Callback c : callbacks.values()) {
        models.addAll(c.checkpointModels(context));
      }
      Map<String, Object> trainer = new LinkedHashMap<>();
      trainer.put(CheckpointKeys.BATCH_IN_EPOCH, batchInEpoch);
      if (windowPosition() > 0) {
        // Inside an accumulation window: the gradients summed so far are part of the state.
        trainer.put(CheckpointKeys.ACCUMULATED_BATCHES, (long) windowPosition());
        trainer.put(CheckpointKeys.ACCUMULATE_GRAD_BATCHES, (long) accumulate);
        trainer.put(CheckpointKeys.ACCUMULATED_GRADIENTS, new LinkedHashMap<String, Object>(optimizer.gradients()));
      }
      trainer.put(CheckpointKeys.SEED, seed);
      Map<String, Object> callbackStates = new LinkedHashMap<>();
      callbacks.forEach((key, c) -> {
        if (c instanceof Stateful stateful) {
          callbackStates.put(key, stateful.state());
        }
      });
      trainer.put(CheckpointKeys.CALLBACKS, callbackStates);
      trainer.put(CheckpointKeys.METRICS, new LinkedHashMap<String, Object>(metrics));
      trainer.put(CheckpointKeys.LAST_EVALUATED, lastEvaluated == null ? null : lastEvaluated.toString());
      trainer.put(CheckpointKeys.LOG_WINDOW, window.state());
      trainer.put(CheckpointKeys.LAST_LEARNING_RATE, learningRate);
      trainer.put(CheckpointKeys.HISTORY, history.state());
      trainer.put(CheckpointKeys.LINEAGE, List.copyOf(lineage));
      trainer.put(CheckpointKeys.CONFIG, config);
      Object scalerParams = data.extras().get(CheckpointKeys.SCALER_PARAMS);
      if (scalerParams != null) {
        // The resume reads them from here, so that a resumed stage scales as the checkpoint's model was trained.
        trainer.put(CheckpointKeys.SCALER_PARAMS, scalerParams);
      }
      Map<String, Map<String, Object>> optimizers = includeOptimizer ? Map.of(model.name(), optimizer.state()) : Map.of();
      Map<String, Map<String, Object>> schedules =
          schedule instanceof Stateful s ? Map.of(model.name(), s.state()) : Map.of();
      return new TrainingSnapshot(iteration, models, modelConfigs(), optimizers, schedules, trainer, extras(),
          Map.of(model.name(), baseLr > 0 ? learningRate / baseLr : 1.0));
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
    private final CheckpointWriter hookWriter = new CheckpointWriter() {
      @Override
      public CompletableFuture<StoredCheckpoint> saveResumable(boolean includeOptimizer, boolean moveLatest) {
        return deferredSaves.request(includeOptimizer, moveLatest);
      }

      @Override
      public CompletableFuture<StoredCheckpoint> saveModels(CheckpointTag tag, List<ModelSnapshot> models) {
        return writer.saveModels(tag, models);
      }

      @Override
      public CompletableFuture<StoredCheckpoint> saveModels(
          CheckpointTag tag, java.util.function.Supplier<List<ModelSnapshot>> models) {
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
      return Collections.unmodifiableMap(metrics);
    }

    @Override
    public Map<String, Double> evaluateValidation() {
      return data.validation().map(v -> step.evaluate(v, VALID)).orElse(Map.of());
    }

    @Override
    public void logMetric(String key, double value) {
      log(Map.of(key, value));
    }

    @Override
    public void requestStop(String reason) {
      stopRequest.requestFinish(reason);
    }

    @Override
    public void requestInterrupt(String reason) {
      stopRequest.requestInterrupt(reason, REASON_INTERRUPT);
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
      for (Callback c : callbacks.values()) {
        models.addAll(c.checkpointModels(this));
      }
      return models;
    }
  }

  /** Builds a {@link Trainer}; every {@code set*} is required, {@code opt*} has a default. */
  public static final class Builder {
    private StageId stage;
    private Path stageDir;
    private String outputLocation;
    private long seed;
    private TrainerSettings settings;
    private Model model;
    private Optimizer optimizer;
    private double baseLr;
    private LrSchedule schedule = (lr, u, t) -> lr;
    private TrainingStep step;
    private DataSource data;
    private final LinkedHashMap<String, Callback> callbacks = new LinkedHashMap<>();
    private final LinkedHashMap<String, MetricLogger> loggers = new LinkedHashMap<>();
    private CheckpointStore store;
    private CheckpointEncoder encoder;
    private Map<String, Object> config = Map.of();
    private List<Object> lineage = List.of();
    private StopRequest stopRequest = new StopRequest();
    private NonFiniteLossPolicy nonFiniteLoss = NonFiniteLossPolicy.ERROR;
    private int maxFailedSaves = DEFAULT_MAX_FAILED_SAVES;
    private boolean historyInStageDir = true;

    public Builder setStage(StageId stage, Path stageDir) {
      this.stage = stage;
      this.stageDir = stageDir;
      return this;
    }

    /** {@code output_dir} as given, for {@link TrainingContext#outputLocation()}; default: from the work directory. */
    public Builder optOutputLocation(String outputLocation) {
      this.outputLocation = outputLocation;
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

    /**
     * Adds an experiment logger; loggers receive metrics in the order added.
     *
     * @param name how warnings name it, e.g. its YAML path {@code trainer.loggers[0]}
     */
    public Builder addLogger(String name, MetricLogger logger) {
      if (loggers.putIfAbsent(name, Objects.requireNonNull(logger, "logger")) != null) {
        throw new IllegalArgumentException("two loggers share the name '" + name + "'");
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

    /** What to do with a NaN or infinite loss; {@link NonFiniteLossPolicy#ERROR} by default. */
    public Builder optNonFiniteLoss(NonFiniteLossPolicy policy) {
      this.nonFiniteLoss = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How many checkpoint saves in a row may fail before training stops with an emergency
     * checkpoint attempt ({@link CheckpointSavesFailedException}); {@value #DEFAULT_MAX_FAILED_SAVES}
     * by default.
     */
    public Builder optMaxFailedSaves(int maxFailedSaves) {
      if (maxFailedSaves <= 0) {
        throw new IllegalArgumentException("max_failed_saves must be positive, was " + maxFailedSaves);
      }
      this.maxFailedSaves = maxFailedSaves;
      return this;
    }

    /** False keeps the history in memory and checkpoints only, without {@code history.jsonl}. */
    public Builder optHistoryFile(boolean enabled) {
      this.historyInStageDir = enabled;
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
