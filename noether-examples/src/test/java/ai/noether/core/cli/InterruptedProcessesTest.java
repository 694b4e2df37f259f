package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.signal.StopSignals;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quickstart as real training processes that are killed and signalled: {@code kill -9} at
 * random updates and in the middle of checkpoint writes, SIGTERM, SIGINT, and Ctrl+C pressed twice.
 * Every interrupted run is continued with {@code noether resume} until it finishes, and its final
 * checkpoint (weights, EMA weights, optimizer, trainer state and history) must equal, bit for bit,
 * the one of the same configuration trained without interruption.
 */
class InterruptedProcessesTest {
  static final Path QUICKSTART = Path.of("configs/quickstart.yaml").toAbsolutePath();

  /**
   * The quickstart (768 updates), with a history line per update so that the tests can follow the
   * progress, and checkpoints every 32 updates so that kills find writes in flight.
   */
  static final List<String> VARIANT =
      List.of(
          "trainer.log_every_n_updates=1",
          "trainer.callbacks[0].every_n_updates=32",
          "trainer.callbacks[4]={kind: early-stopping, metric_key: loss/valid/total, patience: 100}");

  /**
   * Kills land at random updates in these windows, one kill per window, every window after the last
   * resume point.
   */
  static final int KILLS = 6;

  static final int WINDOW = 110;
  static final String TOTAL = "E12_U768_S24576";

  @TempDir static Path shared;
  static FinalState uninterrupted;

  @BeforeAll
  static void trainWithoutInterruption() throws Exception {
    Path runs = shared.resolve("runs");
    try (NoetherProcess p = train(shared, runs, "reference")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    }
    uninterrupted = FinalState.read(runs, "reference");
    assertThat(uninterrupted.iteration()).isEqualTo(TOTAL);
  }

  static NoetherProcess train(Path dir, Path runs, String runId) throws IOException {
    return TrainingProcesses.train(dir, QUICKSTART, runs, runId, VARIANT);
  }

  static NoetherProcess resume(Path dir, Path runs, String runId) throws IOException {
    return TrainingProcesses.resume(dir, runs, runId);
  }

  static Path history(Path runs, String runId) {
    return runs.resolve(runId).resolve("train").resolve("history.jsonl");
  }

  /**
   * Six {@code kill -9}s: at random updates (uniform within one window of updates per kill) and,
   * every other time, at the moment a checkpoint write is seen in flight, which the frozen store
   * then confirms (a stored copy or a pending file no committed checkpoint references). After each
   * kill, {@code noether resume} continues from the newest complete checkpoint; the last resume
   * runs to the end. The seed of the random updates is in every failure message.
   */
  @Test
  void aRunKilledAtRandomUpdatesAndDuringCheckpointWritesIsResumedToTheSameEndBitForBit(
      @TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path runs = dir.resolve("runs");
    Path history = history(runs, "killed");
    Path checkpoints = runs.resolve("killed/train/checkpoints");
    List<String> story = new ArrayList<>();
    int duringWrites = 0;
    NoetherProcess p = train(dir, runs, "killed");
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        long from = kill * (long) WINDOW + 40;
        long target = from + random.nextInt(WINDOW - 40);
        if (kill % 2 == 1) {
          p.awaitUpdate(history, from);
          // Leftovers of the previous kill go at this process's first commit; then wait for its
          // own.
          awaitStore(p, checkpoints, false);
          awaitStore(p, checkpoints, true);
        } else {
          p.awaitUpdate(history, target);
          awaitLatest(p, checkpoints);
        }
        p.killHard();
        boolean midWrite = StoreDebris.find(checkpoints).isPresent();
        duringWrites += midWrite ? 1 : 0;
        story.add(
            "kill -9 at update "
                + NoetherProcess.lastUpdate(history)
                + (midWrite
                    ? " during a checkpoint write (" + StoreDebris.find(checkpoints).get() + ")"
                    : ""));
        p = resume(dir, runs, "killed");
      }
      String context = "seed " + seed + ": " + String.join("; ", story) + "\n" + p.log();
      assertThat(p.awaitExit()).as(context).isEqualTo(NoetherCli.OK);
      assertThat(duringWrites)
          .as("kills that landed in a checkpoint write; %s", context)
          .isPositive();
      assertThat(StoreDebris.find(checkpoints))
          .as("the resumed writer cleaned up; %s", context)
          .isEmpty();
      assertThat(FinalState.read(runs, "killed")).as(context).isEqualTo(uninterrupted);
    } finally {
      p.close();
    }
  }

  /**
   * Polls the store until a commit or delete is under way ({@code inFlight}) or until none is, or
   * fails when that does not happen while the process runs.
   */
  private static void awaitStore(NoetherProcess p, Path checkpoints, boolean inFlight)
      throws Exception {
    long deadline = System.nanoTime() + NoetherProcess.PATIENCE.toNanos();
    while (StoreDebris.find(checkpoints).isPresent() != inFlight) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            "the store never became " + (inFlight ? "busy" : "clean") + "\n" + p.log());
      }
      Thread.onSpinWait();
    }
  }

  /** Waits for the first checkpoint, so that a kill leaves something to resume from. */
  private static void awaitLatest(NoetherProcess p, Path checkpoints) throws Exception {
    long deadline = System.nanoTime() + NoetherProcess.PATIENCE.toNanos();
    while (!Files.exists(checkpoints.resolve(".noether/latest.manifest"))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("no checkpoint was committed\n" + p.log());
      }
      Thread.sleep(2);
    }
  }

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void aStopSignalWritesAnEmergencyCheckpointThatLatestPointsAtAndFromWhichTheRunEndsBitIdentical(
      String signal, @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    StoredCheckpoint emergency;
    try (NoetherProcess p = train(dir, runs, "stopped")) {
      p.awaitUpdate(history(runs, "stopped"), 100);
      p.signal(signal);

      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.INTERRUPTED);
      FileCheckpointStore store = FileCheckpointStore.open(runs);
      StageId stage = new StageId("stopped", "train");
      emergency =
          store.list(stage).stream()
              .filter(
                  c ->
                      c.tag() instanceof CheckpointTag.AtIteration at
                          && "signal".equals(at.reason()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no .signal checkpoint\n" + logOf(p)));
      Path checkpoints = runs.resolve("stopped/train/checkpoints");
      Path emergencyFile = checkpoints.resolve("mlp_cp=" + emergency.tag().token() + "_model.th");
      assertThat(emergencyFile).exists();
      assertThat(Files.isSameFile(checkpoints.resolve("mlp_cp=latest_model.th"), emergencyFile))
          .as("latest is the emergency checkpoint")
          .isTrue();
      assertThat(store.resolve(stage, CheckpointSelector.parse("latest")).iteration())
          .isEqualTo(emergency.iteration());
      assertThat(p.log())
          .contains("run stopped, stage train: interrupted at " + emergency.iteration());
    }

    try (NoetherProcess p = resume(dir, runs, "stopped")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
      assertThat(p.log())
          .contains(
              "resuming stopped/train from stopped/train@latest (" + emergency.iteration() + ")");
    }
    assertThat(FinalState.read(runs, "stopped")).isEqualTo(uninterrupted);
  }

  @Test
  void aSecondCtrlCExitsAtOnceWith130AndLeavesEveryCheckpointIntact(@TempDir Path dir)
      throws Exception {
    Path runs = dir.resolve("runs");
    // The graceful stop after the first Ctrl+C hangs (as a slow save would), so the second one
    // always arrives while it is still in progress; otherwise a fast machine finishes it in
    // between.
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                QUICKSTART.toString(),
                "output_dir=" + runs,
                "run_id=twice",
                "trainer.callbacks[5]={kind: test-hang-on-stop}"));
    args.addAll(VARIANT);
    try (NoetherProcess p =
        NoetherProcess.start(dir, dir.resolve("noether.log"), args.toArray(String[]::new))) {
      p.awaitUpdate(history(runs, "twice"), 100);
      p.signal("INT");
      p.awaitLog("SIGINT received");
      p.signal("INT");

      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(StopSignals.EXIT_FORCED);
      assertThat(p.log()).contains("second interrupt, exiting now");
    }
    FileCheckpointStore store = FileCheckpointStore.open(runs);
    List<StoredCheckpoint> listed = store.list(new StageId("twice", "train"));
    assertThat(listed).isNotEmpty();
    for (StoredCheckpoint checkpoint : listed) {
      store.verify(checkpoint);
    }

    try (NoetherProcess p = resume(dir, runs, "twice")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    }
    assertThat(FinalState.read(runs, "twice")).isEqualTo(uninterrupted);
  }

  @Test
  void aGracefulStopThatHangsEndsAfterTheTimeoutWith124AndLeavesEveryCheckpointIntact(
      @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                QUICKSTART.toString(),
                "output_dir=" + runs,
                "run_id=hung",
                "trainer.stop_timeout_seconds=2",
                "trainer.callbacks[5]={kind: test-hang-on-stop}"));
    args.addAll(VARIANT);
    try (NoetherProcess p =
        NoetherProcess.start(dir, dir.resolve("noether.log"), args.toArray(String[]::new))) {
      p.awaitUpdate(history(runs, "hung"), 100);
      p.signal("TERM");

      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(StopSignals.EXIT_STOP_TIMEOUT);
      assertThat(p.log())
          .contains(
              "the graceful stop took longer than 2 s (trainer.stop_timeout_seconds);"
                  + " exiting without an emergency checkpoint. The newest committed checkpoint is intact.");
    }
    FileCheckpointStore store = FileCheckpointStore.open(runs);
    List<StoredCheckpoint> listed = store.list(new StageId("hung", "train"));
    assertThat(listed)
        .isNotEmpty()
        .noneMatch(c -> c.tag() instanceof CheckpointTag.AtIteration at && at.isEmergency());
    for (StoredCheckpoint checkpoint : listed) {
      store.verify(checkpoint);
    }
    try (NoetherProcess p = resume(dir, runs, "hung")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
      assertThat(p.log()).contains("run hung, stage train: finished at " + TOTAL);
    }
  }

  private static String logOf(NoetherProcess p) {
    try {
      return p.log();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
