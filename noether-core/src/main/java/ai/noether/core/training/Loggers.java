package ai.noether.core.training;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.LoggerContext;
import ai.noether.api.logger.MetricLogger;
import ai.noether.api.logger.ResumePoint;
import ai.noether.core.history.MetricHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage's experiment loggers ({@code trainer.loggers}), called in configuration order. A logger
 * that throws is reported once, with its name and the error, and not called again: a CSV file on a
 * full disk must not end a training that checkpoints fine.
 */
final class Loggers {
  private static final Logger LOG = LoggerFactory.getLogger(Loggers.class);

  private final Map<String, MetricLogger> active = new LinkedHashMap<>();
  private final Context context;

  Loggers(
      Map<String, MetricLogger> loggers,
      StageId stage,
      Path stageDir,
      long totalUpdates,
      MetricHistory history,
      CheckpointStore store,
      Supplier<TrainingIteration> iteration) {
    this.active.putAll(loggers);
    this.context = new Context(stage, stageDir, totalUpdates, history, store, iteration);
  }

  boolean isEmpty() {
    return active.isEmpty();
  }

  void start() {
    each("start", l -> l.start(context));
  }

  void log(TrainingIteration iteration, Map<String, Double> metrics) {
    each("log", l -> l.log(iteration, metrics));
  }

  void finish() {
    each("finish", l -> l.finish(context));
  }

  private void each(String what, java.util.function.Consumer<MetricLogger> call) {
    if (active.isEmpty()) {
      return;
    }
    List<String> failed = new ArrayList<>();
    active.forEach(
        (name, logger) -> {
          try {
            call.accept(logger);
          } catch (RuntimeException e) {
            LOG.warn(
                "logger {} failed in {}: {}; it is not called again in this stage (training goes on, checkpoints and"
                    + " {} are not affected)",
                name,
                what,
                e.getMessage() == null ? e.toString() : e.getMessage(),
                RunLayout.HISTORY_FILE,
                e);
            failed.add(name);
          }
        });
    failed.forEach(active::remove);
  }

  private record Context(
      StageId stage,
      Path stageDir,
      long totalUpdates,
      MetricHistory metricHistory,
      CheckpointStore store,
      Supplier<TrainingIteration> now)
      implements LoggerContext {
    @Override
    public TrainingIteration iteration() {
      return now.get();
    }

    @Override
    public List<LoggedMetrics> history() {
      return metricHistory.events().stream()
          .map(e -> new LoggedMetrics(e.iteration(), e.metrics()))
          .toList();
    }

    @Override
    public List<ResumePoint> resumes() {
      return metricHistory.resumes().stream()
          .map(r -> new ResumePoint(r.iteration(), r.source()))
          .toList();
    }

    @Override
    public List<StoredCheckpoint> checkpoints() {
      try {
        return store.list(stage);
      } catch (CheckpointNotFoundException e) {
        return List.of();
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not list the checkpoints of {} for the loggers: {}", stage, e.getMessage());
        return List.of();
      }
    }
  }
}
