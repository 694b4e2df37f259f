package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.signal.StopSignals;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quickstart as real training processes that are killed and signalled: {@code kill -9} at
 * random updates and in the middle of checkpoint writes, SIGTERM, SIGINT, and Ctrl+C pressed
 * twice. Every interrupted run is continued with {@code noether resume} until it finishes, and its
 * final checkpoint (weights, EMA weights, optimizer, trainer state and history) must equal, bit for
 * bit, the one of the same configuration trained without interruption.
 */
class InterruptedProcessesTest {
  static final Path QUICKSTART = Path.of("configs/quickstart.yaml").toAbsolutePath();
  /**
   * The quickstart (768 updates), with a history line per update so that the tests can follow the
   * progress, and checkpoints every 32 updates so that kills find writes in flight.
   */
  static final List<String> VARIANT = List.of("trainer.log_every_n_updates=1", "trainer.callbacks=");
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
    List<String> args = new ArrayList<>(List.of("train", QUICKSTART.toString(), "output_dir=" + runs, "run_id=" + runId));
    args.addAll(VARIANT);
    return NoetherProcess.start(dir, dir.resolve("noether.log"), args.toArray(String[]::new));
  }

  static NoetherProcess resume(Path dir, Path runs, String runId) throws IOException {
    return NoetherProcess.start(dir, dir.resolve("noether.log"), "resume", runId, "--output-dir", runs.toString());
  }

  static Path history(Path runs, String runId) {
    return runs.resolve(runId).resolve("train").resolve("history.jsonl");
  }

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void aStopSignalWritesAnEmergencyCheckpointThatLatestPointsAtAndFromWhichTheRunEndsBitIdentical(String signal,
      @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    StoredCheckpoint emergency;
    try (NoetherProcess p = train(dir, runs, "stopped")) {
      p.awaitUpdate(history(runs, "stopped"), 100);
      p.signal(signal);

      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.INTERRUPTED);
      FileCheckpointStore store = FileCheckpointStore.open(runs);
      StageId stage = new StageId("stopped", "train");
      emergency = store.list(stage).stream()
          .filter(c -> c.tag() instanceof CheckpointTag.AtIteration at && "signal".equals(at.reason()))
          .findFirst().orElseThrow(() -> new AssertionError("no .signal checkpoint\n" + logOf(p)));
      Path checkpoints = runs.resolve("stopped/train/checkpoints");
      Path emergencyFile = checkpoints.resolve("mlp_cp=" + emergency.tag().token() + "_model.th");
      assertThat(emergencyFile).exists();
      assertThat(Files.isSameFile(checkpoints.resolve("mlp_cp=latest_model.th"), emergencyFile))
          .as("latest is the emergency checkpoint").isTrue();
      assertThat(store.resolve(stage, CheckpointSelector.parse("latest")).iteration()).isEqualTo(emergency.iteration());
      assertThat(p.log()).contains("run stopped, stage train: interrupted at " + emergency.iteration());
    }

    try (NoetherProcess p = resume(dir, runs, "stopped")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
      assertThat(p.log()).contains("resuming stopped/train from stopped/train@latest (" + emergency.iteration() + ")");
    }
    assertThat(FinalState.read(runs, "stopped")).isEqualTo(uninterrupted);
  }

  @Test
  void aSecondCtrlCExitsAtOnceWith130AndLeavesEveryCheckpointIntact(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    try (NoetherProcess p = train(dir, runs, "twice")) {
      p.awaitUpdate(history(runs, "twice"), 100);
      p.signal("INT");
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

  private static String logOf(NoetherProcess p) {
    try {
      return p.log();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
