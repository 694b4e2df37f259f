package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the loop stands and what it has logged: the part of the trainer's state that changes with
 * every batch, shared by the loop and the pieces that log it, save it and restore it. Only the
 * training thread touches it.
 */
final class TrainingProgress {
  /** Batches per optimizer step ({@code trainer.accumulate_grad_batches}). */
  final int accumulate;

  TrainingIteration iteration = TrainingIteration.ZERO;

  /** Batches of the current epoch already trained: the position in the epoch's data order. */
  long batchInEpoch;

  /** The learning rate of the current (or most recent) update. */
  double learningRate;

  /** The most recent value of every logged metric, by key. */
  final Map<String, Double> metrics = new TreeMap<>();

  /** The iteration of the most recent evaluation; null before the first. */
  @Nullable TrainingIteration lastEvaluated;

  /** The training losses since the last log line. */
  final LogWindow window = new LogWindow();

  TrainingProgress(int accumulate) {
    this.accumulate = accumulate;
  }

  /** Batches of the current accumulation window trained so far; windows start with each epoch. */
  int windowPosition() {
    return (int) (batchInEpoch % accumulate);
  }
}
