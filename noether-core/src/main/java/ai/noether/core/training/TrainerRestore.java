package ai.noether.core.training;

import ai.noether.api.ConfigException;
import ai.noether.api.callback.Callback;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.state.Stateful;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.history.MetricHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the trainer's part of a checkpoint back: counters, position in the epoch and in an
 * accumulation window, optimizer and schedule states, callback states, metrics, log window, history
 * and lineage. Checks first that the checkpoint's position fits this run's epochs and accumulation
 * windows.
 */
final class TrainerRestore {
  // Logged under the trainer's name, as before the loop was split.
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final TrainingProgress progress;
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final double baseLr;
  private final Map<String, Callback> callbacks;
  private final MetricHistory history;
  private final List<Object> lineage;
  private final BatchPlan plan;

  /**
   * @param lineage this run's lineage entries; the checkpoint's are put before them
   */
  TrainerRestore(
      TrainingProgress progress,
      Optimizer optimizer,
      LrSchedule schedule,
      double baseLr,
      Map<String, Callback> callbacks,
      MetricHistory history,
      List<Object> lineage,
      BatchPlan plan) {
    this.progress = progress;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.baseLr = baseLr;
    this.callbacks = callbacks;
    this.history = history;
    this.lineage = lineage;
    this.plan = plan;
  }

  /** See {@link Trainer#restore}. */
  @SuppressWarnings("unchecked")
  void restore(ResumeState state) {
    TrainerStateFile saved = TrainerStateFile.read(state.trainer(), state.source());
    progress.iteration = state.iteration();
    restorePosition(saved);
    restoreAccumulation(saved);
    if (state.optimizer() != null) {
      optimizer.loadState(state.optimizer());
    }
    Map<String, Object> scheduleState = state.schedule();
    if (schedule instanceof Stateful stateful
        && scheduleState != null
        && !scheduleState.isEmpty()) {
      stateful.loadState(scheduleState);
    }
    Map<String, Object> callbackStates = saved.callbackStates();
    for (Map.Entry<String, Callback> c : callbacks.entrySet()) {
      Object callbackState = callbackStates.get(c.getKey());
      if (c.getValue() instanceof Stateful stateful && callbackState != null) {
        try {
          stateful.loadState((Map<String, Object>) callbackState);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "the saved state of callback '" + c.getKey() + "' does not fit it: " + e.getMessage(),
              e);
        }
      } else if (c.getValue() instanceof Stateful) {
        LOG.info("callback '{}' has no saved state in the checkpoint; it starts fresh", c.getKey());
      }
    }
    Map<String, Double> savedMetrics = saved.metrics();
    progress.metrics.clear();
    progress.metrics.putAll(savedMetrics);
    progress.lastEvaluated = saved.lastEvaluated().orElse(null);
    progress.window.load(saved.logWindow());
    saved.history().ifPresent(history::loadState);
    history.markResume(progress.iteration, state.source());
    history.rewriteFile();
    List<Object> merged = new ArrayList<>(saved.lineage());
    merged.addAll(lineage);
    lineage.clear();
    lineage.addAll(merged);
    // Files written before the rate was saved: the next update's rate is the best guess.
    progress.learningRate =
        saved
            .lastLearningRate()
            .orElseGet(
                () ->
                    schedule.learningRate(baseLr, progress.iteration.update(), plan.totalUpdates));
  }

  private void restorePosition(TrainerStateFile saved) {
    if (saved.writtenByPython()) {
      // Noether (Python) records no position in the epoch: it checkpoints at the start of one.
      progress.batchInEpoch =
          (progress.iteration.update() - progress.iteration.epoch() * plan.updatesPerEpoch)
              * progress.accumulate;
      if (progress.batchInEpoch < 0 || progress.batchInEpoch >= plan.batchesPerEpoch) {
        throw new IllegalArgumentException(
            "the checkpoint (written by Noether (Python)) is at "
                + progress.iteration
                + ", which is not a position in this run's epochs of "
                + plan.updatesPerEpoch
                + " updates; the batch size or the"
                + " dataset differs from the run that wrote it");
      }
      LOG.info(
          "checkpoint written by Noether (Python): continuing at batch {} of epoch {}; its callback states"
              + " ({}) belong to Python's callbacks, so the callbacks start fresh",
          progress.batchInEpoch,
          progress.iteration.epoch(),
          TrainerStateFile.PYTHON_CALLBACK_STATES);
    } else {
      progress.batchInEpoch = saved.batchInEpoch();
    }
    if (progress.batchInEpoch >= plan.batchesPerEpoch) {
      throw new IllegalArgumentException(
          "the checkpoint is at batch "
              + progress.batchInEpoch
              + " of an epoch, but this"
              + " run has only "
              + plan.batchesPerEpoch
              + " batches per epoch; the batch size or the dataset changed since the"
              + " checkpoint was written");
    }
  }

  /**
   * Checks that the checkpoint's position fits this run's accumulation windows, and loads the
   * gradients a checkpoint taken inside a window summed so far.
   *
   * @throws ConfigException when it was taken inside a window and this run's {@code
   *     accumulate_grad_batches} puts it elsewhere, naming the value to resume with
   */
  private void restoreAccumulation(TrainerStateFile saved) {
    long batches = saved.accumulatedBatches();
    int position = progress.windowPosition();
    if (batches == position && batches == 0) {
      return;
    }
    if (batches != position) {
      Object written = saved.accumulateGradBatches().orElse(null);
      throw new ConfigException(
          "the checkpoint is at batch "
              + progress.batchInEpoch
              + " of an epoch, "
              + (batches == 0
                  ? "at an update boundary"
                  : "after " + batches + " batches of a gradient-accumulation window")
              + ", which is "
              + (position == 0 ? "a boundary" : "inside a window")
              + " with this run's"
              + " trainer.accumulate_grad_batches: "
              + progress.accumulate
              + "; resume with the value the checkpoint was"
              + " written with"
              + (written == null ? "" : " (accumulate_grad_batches: " + written + ")"));
    }
    optimizer.loadGradients(saved.accumulatedGradients());
    LOG.info("continuing a gradient-accumulation window after {} of its batches", batches);
  }
}
