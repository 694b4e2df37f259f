package ai.noether.core.cli;

import static ai.noether.core.cli.InterruptedProcessesTest.QUICKSTART;
import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.testkit.NoetherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job killed with {@code kill -9} at a random early moment (while the JVM starts, before its
 * writer lease, before {@code config.yaml}, before or during its first checkpoint) is requeued with
 * the very same command, {@code noether train <config> run_id=... --resume-if-exists}; it must
 * finish, and end exactly like a run that was never killed. Three jobs, each killed once, at random
 * within one of three windows that cover the time a start takes to its first checkpoint.
 */
class KilledBeforeItsFirstFileTest {
  static final int KILLS = 3;

  /** 2 epochs of 64 updates; a checkpoint every 8 updates, so the first one comes early. */
  static final List<String> SHORT =
      List.of(
          "trainer.max_epochs=2",
          "trainer.log_every_n_updates=1",
          "trainer.callbacks[0].every_n_updates=8");

  private static final Pattern UPDATE = Pattern.compile("\"update\":(\\d+)");

  static NoetherProcess train(Path dir, Path runs, String runId) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("train", QUICKSTART.toString(), "output_dir=" + runs, "run_id=" + runId));
    args.addAll(SHORT);
    args.add("--resume-if-exists");
    return NoetherProcess.start(dir, dir.resolve(runId + ".log"), args.toArray(String[]::new));
  }

  @Test
  void theSameCommandFinishesWhateverStateAnEarlyKillLeftAndEndsLikeAnUnkilledRun(@TempDir Path dir)
      throws Exception {
    Path runs = dir.resolve("runs");
    // How long a start takes here to its first checkpoint: the kills land before and around it.
    long firstCheckpointMillis;
    try (NoetherProcess reference = train(dir, runs, "reference")) {
      long start = System.nanoTime();
      while (!hasCheckpoint(runs.resolve("reference/train")) && reference.isAlive()) {
        Thread.sleep(5);
      }
      firstCheckpointMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(reference.awaitExit()).as(reference.log()).isEqualTo(NoetherCli.OK);
    }
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<String> story = new ArrayList<>();
    int beforeFirstCheckpoint = 0;
    FinalState expected = FinalState.read(runs, "reference");
    List<Long> expectedUpdates = updates(runs.resolve("reference/train/history.jsonl"));
    for (int kill = 0; kill < KILLS; kill++) {
      // One kill per window of the time to the first checkpoint (and a little beyond), at random in
      // it.
      long window = firstCheckpointMillis * 5 / 4 / KILLS;
      long delay = kill * window + random.nextLong(window + 1);
      String runId = "early-" + kill;
      try (NoetherProcess p = train(dir, runs, runId)) {
        Thread.sleep(delay);
        p.killHard();
      }
      beforeFirstCheckpoint += hasCheckpoint(runs.resolve(runId + "/train")) ? 0 : 1;
      story.add("kill -9 after " + delay + " ms: " + state(runs.resolve(runId + "/train")));
      String context =
          "seed "
              + seed
              + ", first checkpoint after "
              + firstCheckpointMillis
              + " ms: "
              + String.join("; ", story);
      try (NoetherProcess again = train(dir, runs, runId)) {
        assertThat(again.awaitExit()).as("%s\n%s", context, again.log()).isEqualTo(NoetherCli.OK);
      }
      assertThat(FinalState.read(runs, runId)).as(context).isEqualTo(expected);
      assertThat(updates(runs.resolve(runId + "/train/history.jsonl")))
          .as("history.jsonl holds each update once, in order; %s", context)
          .isEqualTo(expectedUpdates);
    }
    assertThat(beforeFirstCheckpoint)
        .as("kills before the first checkpoint: %s", story)
        .isPositive();
  }

  private static boolean hasCheckpoint(Path stageDir) throws Exception {
    Path checkpoints = stageDir.resolve("checkpoints");
    if (!Files.isDirectory(checkpoints)) {
      return false;
    }
    try (Stream<Path> files = Files.list(checkpoints)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith("_model.th"));
    }
  }

  private static String state(Path stageDir) throws Exception {
    if (!Files.exists(stageDir)) {
      return "no stage directory";
    }
    if (!Files.exists(stageDir.resolve("config.yaml"))) {
      return "stage directory without config.yaml";
    }
    if (!hasCheckpoint(stageDir)) {
      return "config.yaml, no checkpoint";
    }
    try (Stream<Path> files = Files.list(stageDir.resolve("checkpoints"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("_model.th")).count()
          + " model files";
    }
  }

  private static List<Long> updates(Path history) throws Exception {
    List<Long> out = new ArrayList<>();
    for (String line : Files.readAllLines(history)) {
      Matcher m = UPDATE.matcher(line);
      if (m.find() && !line.contains("\"event\":\"resume\"")) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }
}
