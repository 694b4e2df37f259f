package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient accumulation in real training processes: the quickstart with {@code
 * trainer.accumulate_grad_batches: 4}, stopped by SIGTERM until a stop lands inside an accumulation
 * window (its emergency checkpoint then holds the summed gradients), resumed, killed with {@code
 * kill -9}, and resumed to the end, must end bit for bit like the same configuration trained
 * without interruption. The in-process variant of the same check is {@code
 * GradientAccumulationTest} in noether-djl (default build).
 */
@Tag("slow")
class AccumulationProcessesTest {
  static final Path QUICKSTART = InterruptedProcessesTest.QUICKSTART;
  static final int ACCUMULATE = 4;
  static final int BATCH = 32;

  /** 2048 samples in 64 batches of 32: 16 updates per epoch, 48 in 3 epochs. */
  static final List<String> VARIANT =
      List.of(
          "trainer.max_epochs=3",
          "trainer.accumulate_grad_batches=" + ACCUMULATE,
          "trainer.log_every_n_updates=1",
          "trainer.callbacks[0].every_n_updates=8",
          "trainer.callbacks[4]={kind: early-stopping, metric_key: loss/valid/total, patience: 100}");

  static NoetherProcess train(Path dir, Path runs, String runId) throws IOException {
    return TrainingProcesses.train(dir, QUICKSTART, runs, runId, VARIANT);
  }

  static NoetherProcess resume(Path dir, Path runs, String runId) throws IOException {
    return TrainingProcesses.resume(dir, runs, runId);
  }

  static TrainingIteration latest(Path runs, String runId) throws IOException {
    return FileCheckpointStore.open(runs)
        .resolve(new StageId(runId, "train"), CheckpointSelector.parse("latest"))
        .iteration();
  }

  @Test
  void stopsInsideAWindowAndAKillAreResumedToTheSameEndBitForBit(@TempDir Path dir)
      throws Exception {
    Path runs = dir.resolve("runs");
    try (NoetherProcess p = train(dir, runs, "reference")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    }
    FinalState uninterrupted = FinalState.read(runs, "reference");
    assertThat(uninterrupted.iteration()).isEqualTo("E3_U48_S6144");

    Path history = InterruptedProcessesTest.history(runs, "stopped");
    List<String> story = new ArrayList<>();
    boolean insideAWindow = false;
    NoetherProcess p = train(dir, runs, "stopped");
    try {
      // A stop lands between two batches; three in four of those are inside a window. Stop again
      // until one was, at most five times.
      for (int stop = 0; stop < 5 && !insideAWindow; stop++) {
        p.awaitUpdate(history, 4 + 4L * stop);
        p.signal("TERM");
        assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.INTERRUPTED);
        TrainingIteration at = latest(runs, "stopped");
        insideAWindow = at.sample() % (ACCUMULATE * BATCH) != 0;
        story.add(
            "SIGTERM at "
                + at
                + (insideAWindow ? " (inside a window)" : " (at an update boundary)"));
        p = resume(dir, runs, "stopped");
      }
      assertThat(insideAWindow).as("%s", story).isTrue();
      p.awaitUpdate(history, 30);
      p.killHard();
      story.add("kill -9 after update " + NoetherProcess.lastUpdate(history));
      p = resume(dir, runs, "stopped");
      String context = String.join("; ", story) + "\n" + p.log();
      assertThat(p.awaitExit()).as(context).isEqualTo(NoetherCli.OK);
      assertThat(FinalState.read(runs, "stopped")).as(context).isEqualTo(uninterrupted);
    } finally {
      p.close();
    }
  }
}
