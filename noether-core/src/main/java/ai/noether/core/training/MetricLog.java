package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.metric.MetricFormat;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.history.MetricHistory;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs metrics the way the loop promises: a logged value goes to the latest metrics, the history,
 * the callbacks' {@code onMetricsLogged}, then the experiment loggers, in that order. Also writes
 * the training log line from the {@link LogWindow} and runs evaluations, whose log line includes
 * what callbacks log while they see it (the EMA weights' metrics).
 */
final class MetricLog {
  // Logged under the trainer's name, as before the loop was split: log configurations and tests
  // select these lines by it.
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final TrainingProgress progress;
  private final MetricHistory history;
  private final Loggers loggers;
  private final Collection<Callback> callbacks;
  private final DataSource data;
  private final TrainingStep step;
  private final LrSchedule schedule;

  // set by attach(), which the trainer calls before anything is logged
  @SuppressWarnings("NullAway.Init")
  private TrainingContext context;

  /** While callbacks see an evaluation: the metrics its log line shows; else null. */
  private @Nullable Map<String, Double> evaluationLine;

  MetricLog(
      TrainingProgress progress,
      MetricHistory history,
      Loggers loggers,
      Collection<Callback> callbacks,
      DataSource data,
      TrainingStep step,
      LrSchedule schedule) {
    this.progress = progress;
    this.history = history;
    this.loggers = loggers;
    this.callbacks = callbacks;
    this.data = data;
    this.step = step;
    this.schedule = schedule;
  }

  /** The context callbacks receive; set once, before anything is logged (it logs through this). */
  void attach(TrainingContext context) {
    this.context = context;
  }

  /** Logs the means of the training window with the learning rate, then starts a new window. */
  void logTrainingWindow() {
    LogWindow window = progress.window;
    Map<String, Double> logged = new LinkedHashMap<>();
    logged.put(Trainer.TRAIN_LOSS, window.meanLoss());
    Map<String, Double> stepMetrics = window.meanMetrics();
    logged.putAll(stepMetrics);
    logged.put(Trainer.LR, progress.learningRate);
    log(logged);
    double rate = window.samplesPerSecond();
    LOG.info(
        "{} | loss {}{} | lr {}{}",
        progress.iteration,
        MetricFormat.format(window.meanLoss()),
        stepMetrics.isEmpty() ? "" : " | " + format(stepMetrics),
        MetricFormat.format(progress.learningRate),
        Double.isNaN(rate) ? "" : " | " + String.format("%.0f", rate) + " samples/s");
    window.reset();
  }

  /**
   * Evaluates on the validation split, unless there is none or this iteration was evaluated
   * already.
   */
  void evaluate() {
    if (data.validation().isEmpty() || progress.iteration.equals(progress.lastEvaluated)) {
      return;
    }
    Dataset valid = data.validation().get();
    Map<String, Double> result = new LinkedHashMap<>(step.evaluate(valid, Trainer.VALID));
    progress.lastEvaluated = progress.iteration;
    log(result);
    schedule.onEvaluation(result);
    Map<String, Double> view = Collections.unmodifiableMap(result);
    // What callbacks log while they see the evaluation (the EMA weights' metrics) joins its line.
    Map<String, Double> line = new LinkedHashMap<>(result);
    evaluationLine = line;
    try {
      callbacks.forEach(c -> c.afterEvaluation(context, view));
    } finally {
      evaluationLine = null;
    }
    LOG.info("{} | evaluation {}", progress.iteration, format(line));
  }

  void log(Map<String, Double> logged) {
    if (evaluationLine != null) {
      evaluationLine.putAll(logged);
    }
    progress.metrics.putAll(logged);
    history.append(progress.iteration, logged);
    Map<String, Double> view = Collections.unmodifiableMap(logged);
    callbacks.forEach(c -> c.onMetricsLogged(context, view));
    if (!logged.isEmpty()) {
      loggers.log(progress.iteration, Collections.unmodifiableMap(new LinkedHashMap<>(logged)));
    }
  }

  private static String format(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    values.forEach(
        (k, v) ->
            sb.append(sb.length() == 0 ? "" : ", ")
                .append(k)
                .append('=')
                .append(MetricFormat.format(v)));
    return sb.toString();
  }
}
