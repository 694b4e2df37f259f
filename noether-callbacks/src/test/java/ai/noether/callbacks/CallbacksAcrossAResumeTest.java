package ai.noether.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.callbacks.best.BestCheckpointCallback;
import ai.noether.callbacks.best.BestCheckpointCallbackConfig;
import ai.noether.callbacks.best.BestMetricCallback;
import ai.noether.callbacks.best.BestMetricCallbackConfig;
import ai.noether.callbacks.checkpoint.CheckpointCallback;
import ai.noether.callbacks.checkpoint.CheckpointCallbackConfig;
import ai.noether.callbacks.ema.EmaCallback;
import ai.noether.callbacks.ema.EmaCallbackConfig;
import ai.noether.callbacks.history.HistoryPlotCallback;
import ai.noether.callbacks.history.HistoryPlotCallbackConfig;
import ai.noether.callbacks.logging.LrMonitorCallback;
import ai.noether.callbacks.logging.LrMonitorCallbackConfig;
import ai.noether.callbacks.stopping.EarlyStoppingCallback;
import ai.noether.callbacks.stopping.EarlyStoppingCallbackConfig;
import ai.noether.callbacks.testing.InMemoryStore;
import ai.noether.callbacks.testing.StateTrees;
import ai.noether.callbacks.testing.TrainerRuns;
import ai.noether.core.history.PngHistoryPlotter;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainingResult;
import ai.noether.testkit.LinearEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The callbacks inside the real trainer of noether-core, with a plain-Java engine and an in-memory
 * store: a run interrupted mid-epoch and resumed from its emergency checkpoint must end exactly
 * like the run that was never interrupted, callbacks included.
 */
class CallbacksAcrossAResumeTest {
  private static final StageId STAGE = TrainerRuns.STAGE;

  /** 64 samples in batches of 8: 8 updates per epoch. */
  private static final int TRAIN_SIZE = 64;

  @TempDir Path dir;

  private static List<Callback> allCallbacks() {
    List<Callback> callbacks = new ArrayList<>();
    callbacks.add(
        new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(2)).withKeepLast(2)));
    callbacks.add(new EmaCallback(new EmaCallbackConfig(List.of(0.9, 0.99), null, true, null)));
    callbacks.add(
        new BestCheckpointCallback(
            new BestCheckpointCallbackConfig("loss/valid/total", null, List.of(2), null)));
    callbacks.add(
        new BestMetricCallback(new BestMetricCallbackConfig("loss/valid/total", null, null)));
    callbacks.add(
        new EarlyStoppingCallback(EarlyStoppingCallbackConfig.of("loss/valid/total", 100)));
    callbacks.add(new LrMonitorCallback(new LrMonitorCallbackConfig(null, 5L, null, null, null)));
    callbacks.add(
        new HistoryPlotCallback(
            new HistoryPlotCallbackConfig(null, null, null, null), new PngHistoryPlotter()));
    return callbacks;
  }

  private static Trainer trainer(
      LinearEngine engine,
      InMemoryStore store,
      Path stageDir,
      long maxEpochs,
      List<Callback> callbacks,
      StopRequest stop) {
    return TrainerRuns.trainer(
        engine, store, InMemoryStore.encoder(), stageDir, maxEpochs, callbacks, stop);
  }

  /**
   * One uninterrupted run, and one interrupted after {@code interruptAfter} and resumed from
   * latest.
   */
  private record Runs(
      TrainingResult straight,
      InMemoryStore straightStore,
      LinearEngine straightEngine,
      TrainingResult resumed,
      InMemoryStore resumedStore,
      LinearEngine resumedEngine,
      Path resumedDir) {}

  private Runs runBothWays(
      long maxEpochs, long interruptAfter, Supplier<List<Callback>> callbacks) {
    InMemoryStore straightStore = new InMemoryStore();
    LinearEngine straightEngine = new LinearEngine(TRAIN_SIZE);
    TrainingResult straight;
    try (Trainer t =
        trainer(
            straightEngine,
            straightStore,
            dir.resolve("straight"),
            maxEpochs,
            callbacks.get(),
            new StopRequest())) {
      straight = t.run();
    }

    InMemoryStore store = new InMemoryStore();
    Path resumedDir = dir.resolve("resumed");
    StopRequest stop = new StopRequest();
    List<Callback> first = new ArrayList<>(callbacks.get());
    first.add(new TrainerRuns.InterruptAfter(interruptAfter, stop));
    try (Trainer t =
        trainer(new LinearEngine(TRAIN_SIZE), store, resumedDir, maxEpochs, first, stop)) {
      assertThat(t.run().interrupted()).isTrue();
    }
    LinearEngine engine = new LinearEngine(TRAIN_SIZE);
    TrainingResult resumed;
    try (Trainer t =
        trainer(engine, store, resumedDir, maxEpochs, callbacks.get(), new StopRequest())) {
      TrainerRuns.restore(t, engine, store, CheckpointTag.LATEST);
      resumed = t.run();
    }
    return new Runs(straight, straightStore, straightEngine, resumed, store, engine, resumedDir);
  }

  private static Object callbackState(InMemoryStore store, String key) {
    @SuppressWarnings("unchecked")
    Map<String, Object> callbacks =
        (Map<String, Object>)
            store
                .tree(STAGE, CheckpointTag.LAST, "mlp", null, CheckpointFileKind.TRAINER)
                .get(CheckpointKeys.CALLBACKS);
    assertThat(callbacks).containsKey(key);
    return callbacks.get(key);
  }

  @Test
  void aRunResumedFromAnEmergencyCheckpointEndsExactlyLikeTheUninterruptedRun() {
    Runs runs = runBothWays(6, 21, CallbacksAcrossAResumeTest::allCallbacks);

    assertThat(
            StateTrees.difference(
                runs.resumedEngine().model.stateDict(), runs.straightEngine().model.stateDict()))
        .as("model weights")
        .isNull();
    assertThat(runs.resumed().iteration()).isEqualTo(runs.straight().iteration());
    assertThat(runs.resumed().metrics())
        .as("every metric, EMA evaluations and at_best values included")
        .isEqualTo(runs.straight().metrics())
        .containsKeys(
            "loss/valid/total/ema=0.99", "accuracy/valid/at_best/loss/valid/total", "optim/lr");
    for (String key :
        List.of(
            "ema",
            "best-checkpoint/loss/valid/total",
            "best-metric/loss/valid/total",
            "early-stopping/loss/valid/total",
            "checkpoint/every_n_epochs=2")) {
      assertThat(
              StateTrees.difference(
                  callbackState(runs.resumedStore(), key),
                  callbackState(runs.straightStore(), key)))
          .as("state of %s", key)
          .isNull();
    }
  }

  @Test
  void everyCheckpointCarriesTheEmaWeightsUnderNoethersNames() {
    Runs runs = runBothWays(6, 21, CallbacksAcrossAResumeTest::allCallbacks);
    InMemoryStore store = runs.resumedStore();

    assertThat(store.fileNames(STAGE, CheckpointTag.LAST))
        .containsExactly(
            "mlp_cp=last_model.th",
            "mlp_cp=last_optim.th",
            "mlp_cp=last_trainer.th",
            "mlp_ema=0.99_cp=last_model.th",
            "mlp_ema=0.9_cp=last_model.th");
    assertThat(store.fileNames(STAGE, CheckpointTag.parse("E2_U21_S168.signal")))
        .contains(
            "mlp_ema=0.9_cp=E2_U21_S168.signal_model.th",
            "mlp_ema=0.99_cp=E2_U21_S168.signal_model.th");
    for (String info : List.of("ema=0.9", "ema=0.99")) {
      assertThat(
              StateTrees.difference(
                  store
                      .tree(STAGE, CheckpointTag.LAST, "mlp", info, CheckpointFileKind.MODEL)
                      .get(CheckpointKeys.STATE_DICT),
                  runs.straightStore()
                      .tree(STAGE, CheckpointTag.LAST, "mlp", info, CheckpointFileKind.MODEL)
                      .get(CheckpointKeys.STATE_DICT)))
          .as("%s weights after the resume", info)
          .isNull();
    }
  }

  @Test
  void retentionBestCheckpointsAndEmergencyCheckpointsLiveSideBySide() {
    Runs runs = runBothWays(6, 21, CallbacksAcrossAResumeTest::allCallbacks);

    assertThat(runs.straightStore().tokens(STAGE))
        .containsExactly(
            "E4_U32_S256",
            "E6_U48_S384",
            "best.loss~valid~total",
            "best.loss~valid~total.tolerance2",
            "last",
            "latest");
    assertThat(runs.resumedStore().tokens(STAGE))
        .containsExactly(
            "E2_U21_S168.signal",
            "E4_U32_S256",
            "E6_U48_S384",
            "best.loss~valid~total",
            "best.loss~valid~total.tolerance2",
            "last",
            "latest");
    for (String token : List.of("best.loss~valid~total", "best.loss~valid~total.tolerance2")) {
      CheckpointTag tag = CheckpointTag.parse(token);
      assertThat(runs.resumedStore().iteration(STAGE, tag))
          .as(token)
          .isEqualTo(runs.straightStore().iteration(STAGE, tag));
      assertThat(
              StateTrees.difference(
                  runs.resumedStore()
                      .tree(STAGE, tag, "mlp", null, CheckpointFileKind.MODEL)
                      .get(CheckpointKeys.STATE_DICT),
                  runs.straightStore()
                      .tree(STAGE, tag, "mlp", null, CheckpointFileKind.MODEL)
                      .get(CheckpointKeys.STATE_DICT)))
          .as(token)
          .isNull();
    }
  }

  @Test
  void earlyStoppingKeepsCountingAcrossTheResume() {
    // min_delta 0.05 makes the validation loss stop "improving" after a few epochs.
    Supplier<List<Callback>> callbacks =
        () ->
            List.of(
                new EarlyStoppingCallback(
                    new EarlyStoppingCallbackConfig("loss/valid/total", 2, 0.05, null)),
                new BestCheckpointCallback(BestCheckpointCallbackConfig.of("loss/valid/total")));
    InMemoryStore probe = new InMemoryStore();
    TrainingResult straight;
    try (Trainer t =
        trainer(
            new LinearEngine(TRAIN_SIZE),
            probe,
            dir.resolve("probe"),
            40,
            callbacks.get(),
            new StopRequest())) {
      straight = t.run();
    }
    assertThat(straight.stop()).as("early stopping ends the run before its 40 epochs").isNotNull();
    long stoppedAt = straight.iteration().update();

    // Interrupt one epoch before the stop: the counter must carry over for the stop to come at the
    // same update.
    Runs runs = runBothWays(40, stoppedAt - 8, callbacks);

    assertThat(runs.resumed().iteration())
        .isEqualTo(runs.straight().iteration())
        .isEqualTo(straight.iteration());
    assertThat(runs.resumed().stop().reason())
        .isEqualTo(runs.straight().stop().reason())
        .contains("early stopping");
    assertThat(
            StateTrees.difference(
                callbackState(runs.resumedStore(), "best-checkpoint/loss/valid/total"),
                callbackState(runs.straightStore(), "best-checkpoint/loss/valid/total")))
        .isNull();
  }

  @Test
  void theHistoryPlotsOfTheResumedStageCoverTheWholeStage() throws IOException {
    Runs runs = runBothWays(6, 21, CallbacksAcrossAResumeTest::allCallbacks);

    assertThat(Files.readString(runs.resumedDir().resolve(RunLayout.HISTORY_FILE)))
        .contains("{\"event\":\"resume\",\"epoch\":2,\"update\":21,\"sample\":168");
    assertThat(runs.resumedDir().resolve("plots"))
        .isDirectoryContaining("glob:**/loss.png")
        .isDirectoryContaining("glob:**/lr.png")
        .isDirectoryContaining("glob:**/accuracy.png");
  }

  @Test
  void topKBestCheckpointsSurviveAResumeAndLeaveOtherTagsAlone() {
    Supplier<List<Callback>> callbacks =
        () ->
            List.of(
                new CheckpointCallback(CheckpointCallbackConfig.every(Interval.epochs(2))),
                new BestCheckpointCallback(
                    new BestCheckpointCallbackConfig("loss/valid/total", null, null, null, 2)));
    Runs runs = runBothWays(6, 21, callbacks);

    java.util.Set<String> resumedTags = new java.util.TreeSet<>(runs.resumedStore().tokens(STAGE));
    // The interruption's emergency checkpoint is the resumed run's own, and top-k deletes never
    // touch it.
    assertThat(resumedTags.remove("E2_U21_S168.signal")).isTrue();
    assertThat(resumedTags)
        .as("tags on disk")
        .isEqualTo(runs.straightStore().tokens(STAGE))
        .contains("best.loss~valid~total", "E2_U16_S128", "E4_U32_S256", "E6_U48_S384")
        .filteredOn(t -> t.startsWith("best.loss~valid~total.E"))
        .hasSize(2);
    for (String token : runs.straightStore().tokens(STAGE)) {
      if (token.startsWith("best.")) {
        CheckpointTag tag = CheckpointTag.parse(token);
        assertThat(
                StateTrees.difference(
                    runs.resumedStore().tree(STAGE, tag, "mlp", null, CheckpointFileKind.MODEL),
                    runs.straightStore().tree(STAGE, tag, "mlp", null, CheckpointFileKind.MODEL)))
            .as(token)
            .isNull();
      }
    }
    String key = "best-checkpoint/loss/valid/total";
    assertThat(
            StateTrees.difference(
                callbackState(runs.resumedStore(), key), callbackState(runs.straightStore(), key)))
        .isNull();
  }
}
