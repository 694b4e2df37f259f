package ai.noether.api.logger;

import ai.noether.api.checkpoint.TrainingIteration;
import java.util.Map;

/**
 * Sends the metrics of a stage to a place people look at (a CSV file, an HTML report, an experiment
 * tracker). Loggers are configured under {@code trainer.loggers} and run on the training thread, in
 * configuration order, after the metric history has recorded the values.
 *
 * <p>A logger keeps no state that a resume depends on: on a resume, {@link #start} hands it the
 * stage's history as the checkpoint holds it (everything logged up to the resumed iteration), and a
 * logger that writes files rewrites them from that history, so values logged after the checkpoint
 * by the interrupted process disappear, as they do from {@code history.jsonl}.
 *
 * <p>A logger that throws is reported once as a warning and not called again in this stage:
 * training never fails because a log could not be written.
 */
public interface MetricLogger extends AutoCloseable {

  /**
   * Before the first update of this process (a fresh start or a resume), with the history so far.
   * The default does nothing.
   */
  default void start(LoggerContext context) {}

  /**
   * Values logged together at one iteration (the training window's means and the learning rate, an
   * evaluation's results, a callback's metric), in logging order.
   *
   * @param metrics metric key to value; never null or empty, unmodifiable
   */
  void log(TrainingIteration iteration, Map<String, Double> metrics);

  /**
   * After the stage's final checkpoint (or its emergency checkpoint, when interrupted) is
   * committed, so a report can list it. The default does nothing.
   */
  default void finish(LoggerContext context) {}

  /** Releases files; called once, also when training failed. The default does nothing. */
  @Override
  default void close() {}
}
