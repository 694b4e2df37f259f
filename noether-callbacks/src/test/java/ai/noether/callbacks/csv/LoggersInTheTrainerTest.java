package ai.noether.callbacks.csv;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.data.Dataset;
import ai.noether.api.logger.LoggedMetrics;
import ai.noether.api.logger.LoggerContext;
import ai.noether.api.logger.MetricLogger;
import ai.noether.api.train.StepResult;
import ai.noether.api.train.TrainingStep;
import ai.noether.callbacks.report.HtmlReportLogger;
import ai.noether.callbacks.testing.InMemoryStore;
import ai.noether.callbacks.testing.TrainerRuns;
import ai.noether.core.history.MetricHistory;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainerSettings;
import ai.noether.testkit.LinearEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loggers and several metrics per update inside the real trainer, with a plain-Java engine whose
 * step reports a per-head loss and a gradient norm besides its loss.
 */
class LoggersInTheTrainerTest {
  private static final StageId STAGE = TrainerRuns.STAGE;

  /** 64 samples in batches of 8: 8 updates per epoch; logs every 4 updates. */
  private static final int TRAIN_SIZE = 64;

  @TempDir Path dir;

  /** The linear engine's step, reporting {@code loss/train/head} and {@code grad_norm} too. */
  private static TrainingStep withMetrics(TrainingStep step) {
    return new TrainingStep() {
      @Override
      public double train(long[] indices, long seed) {
        return step.train(indices, seed);
      }

      @Override
      public StepResult trainStep(long[] indices, long seed) {
        double loss = step.train(indices, seed);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss/train/head", loss / 2);
        metrics.put("grad_norm", Math.sqrt(loss) + indices[0]);
        return new StepResult(loss, metrics);
      }

      @Override
      public Map<String, Double> evaluate(Dataset dataset, String split) {
        return step.evaluate(dataset, split);
      }
    };
  }

  private static Trainer trainer(
      LinearEngine engine,
      InMemoryStore store,
      Path stageDir,
      List<Callback> callbacks,
      StopRequest stop,
      List<MetricLogger> loggers) {
    Trainer.Builder b =
        Trainer.builder()
            .setStage(STAGE, stageDir)
            .optSeed(3)
            .setSettings(
                new TrainerSettings(
                    4, 0, 0, TrainerRuns.BATCH_SIZE, Interval.epochs(1), Interval.updates(4)))
            .setModel(engine.model)
            .setOptimizer(engine.optimizer(), 0.02)
            .setStep(withMetrics(engine.step()))
            .setData(engine.data())
            .setStore(store, InMemoryStore.encoder())
            .optStopRequest(stop);
    for (int i = 0; i < callbacks.size(); i++) {
      b.addCallback("callback-" + i, callbacks.get(i));
    }
    for (int i = 0; i < loggers.size(); i++) {
      b.addLogger("trainer.loggers[" + i + "]", loggers.get(i));
    }
    return b.build();
  }

  @Test
  void stepMetricsAreAveragedOverTheLogIntervalAndSurviveAResumeInTheMiddleOfIt()
      throws IOException {
    Path straightDir = dir.resolve("straight");
    List<MetricHistory.Event> straight;
    try (Trainer t =
        trainer(
            new LinearEngine(TRAIN_SIZE),
            new InMemoryStore(),
            straightDir,
            List.of(),
            new StopRequest(),
            List.of(new CsvLogger("metrics.csv")))) {
      t.run();
      straight = List.copyOf(t.history().events());
    }

    // Interrupted after update 22, two updates into a log interval: the emergency checkpoint holds
    // half a window of step metrics, which the resumed run must average with the rest.
    InMemoryStore store = new InMemoryStore();
    Path resumedDir = dir.resolve("resumed");
    StopRequest stop = new StopRequest();
    try (Trainer t =
        trainer(
            new LinearEngine(TRAIN_SIZE),
            store,
            resumedDir,
            List.of(new TrainerRuns.InterruptAfter(22, stop)),
            stop,
            List.of(new CsvLogger("metrics.csv")))) {
      assertThat(t.run().interrupted()).isTrue();
    }
    LinearEngine engine = new LinearEngine(TRAIN_SIZE);
    try (Trainer t =
        trainer(
            engine,
            store,
            resumedDir,
            List.of(),
            new StopRequest(),
            List.of(new CsvLogger("metrics.csv")))) {
      TrainerRuns.restore(t, engine, store, CheckpointTag.LATEST);
      t.run();
      assertThat(t.history().events()).isEqualTo(straight);
    }

    MetricHistory.Event first = straight.get(0);
    assertThat(first.metrics())
        .containsOnlyKeys("loss/train/total", "loss/train/head", "grad_norm", "lr");
    assertThat(first.metrics().get("loss/train/head"))
        .isCloseTo(
            first.metrics().get("loss/train/total") / 2,
            org.assertj.core.api.Assertions.within(1e-12));
    assertThat(Files.readString(resumedDir.resolve("metrics.csv")))
        .isEqualTo(Files.readString(straightDir.resolve("metrics.csv")))
        .startsWith(
            "epoch,update,sample,loss/train/total,loss/train/head,grad_norm,lr,loss/valid/total,accuracy/valid\n");
  }

  @Test
  void aLoggerThatFailsIsReportedAndDroppedWhileTrainingAndTheOtherLoggersGoOn()
      throws IOException {
    List<TrainingIteration> failingCalls = new ArrayList<>();
    MetricLogger failing =
        new MetricLogger() {
          @Override
          public void log(TrainingIteration iteration, Map<String, Double> metrics) {
            failingCalls.add(iteration);
            throw new IllegalStateException("disk full");
          }
        };
    List<LoggedMetrics> seenAtFinish = new ArrayList<>();
    MetricLogger recording =
        new MetricLogger() {
          @Override
          public void log(TrainingIteration iteration, Map<String, Double> metrics) {}

          @Override
          public void finish(LoggerContext context) {
            seenAtFinish.addAll(context.history());
          }
        };
    Path stageDir = dir.resolve("stage");
    try (Trainer t =
        trainer(
            new LinearEngine(TRAIN_SIZE),
            new InMemoryStore(),
            stageDir,
            List.of(),
            new StopRequest(),
            List.of(
                failing,
                new CsvLogger("metrics.csv"),
                recording,
                new HtmlReportLogger("report.html")))) {
      assertThat(t.run().iteration().update()).isEqualTo(32);
      assertThat(failingCalls).hasSize(1);
      assertThat(seenAtFinish).hasSize(t.history().events().size());
    }
    assertThat(Files.readAllLines(stageDir.resolve("metrics.csv"))).hasSize(1 + 8 + 4);
    assertThat(Files.readString(stageDir.resolve("report.html")))
        .contains("data-key=\"grad_norm\" data-points=\"8\"")
        .contains("<code>last</code>");
  }

  @Test
  void keysWithCommasAreQuotedAndNonFiniteValuesAreWrittenAsPandasReadsThem() throws IOException {
    CsvLogger csv = new CsvLogger("metrics.csv");
    Path stageDir = dir.resolve("unit");
    csv.start(
        new FixedContext(
            stageDir,
            List.of(new LoggedMetrics(new TrainingIteration(0, 1, 8), Map.of("a", 0.1)))));
    csv.log(new TrainingIteration(0, 2, 16), Map.of("a", Double.NaN));
    Map<String, Double> second = new LinkedHashMap<>();
    second.put("b,\"c\"", Double.POSITIVE_INFINITY);
    second.put("a", Double.NEGATIVE_INFINITY);
    csv.log(new TrainingIteration(0, 3, 24), second);
    csv.close();

    assertThat(Files.readAllLines(stageDir.resolve("metrics.csv")))
        .containsExactly(
            "epoch,update,sample,a,\"b,\"\"c\"\"\"",
            "0,1,8,0.1,",
            "0,2,16,nan,",
            "0,3,24,-inf,inf");
    assertThat(Files.list(stageDir).map(p -> p.getFileName().toString()))
        .containsExactly("metrics.csv");
  }

  private record FixedContext(Path stageDir, List<LoggedMetrics> history) implements LoggerContext {
    @Override
    public StageId stage() {
      return STAGE;
    }

    @Override
    public TrainingIteration iteration() {
      return history.isEmpty()
          ? TrainingIteration.ZERO
          : history.get(history.size() - 1).iteration();
    }

    @Override
    public long totalUpdates() {
      return 10;
    }

    @Override
    public List<ai.noether.api.logger.ResumePoint> resumes() {
      return List.of();
    }

    @Override
    public List<ai.noether.api.checkpoint.StoredCheckpoint> checkpoints() {
      return List.of();
    }
  }
}
