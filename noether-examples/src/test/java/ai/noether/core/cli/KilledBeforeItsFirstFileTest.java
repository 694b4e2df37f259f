package ai.noether.core.cli;

import static ai.noether.core.cli.InterruptedProcessesTest.QUICKSTART;
import static org.assertj.core.api.Assertions.assertThat;

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
 * A job killed with {@code kill -9} at random early moments (while the JVM starts, before its
 * writer lease, before {@code config.yaml}, before or during its first checkpoint) is requeued with
 * the very same command, {@code noether train <config> run_id=... --resume-if-exists}, until it
 * finishes; it must end exactly like a run that was never killed.
 */
class KilledBeforeItsFirstFileTest {
  static final int KILLS = 5;
  /** 4 epochs of 64 updates; a checkpoint every 8 updates, so the first one comes early. */
  static final List<String> SHORT = List.of("trainer.max_epochs=4", "trainer.log_every_n_updates=1",
      "trainer.callbacks[0].every_n_updates=8");
  private static final Pattern UPDATE = Pattern.compile("\"update\":(\\d+)");

  static NoetherProcess train(Path dir, Path runs, String runId) throws Exception {
    List<String> args = new ArrayList<>(List.of("train", QUICKSTART.toString(), "output_dir=" + runs, "run_id=" + runId));
    args.addAll(SHORT);
    args.add("--resume-if-exists");
    return NoetherProcess.start(dir, dir.resolve(runId + ".log"), args.toArray(String[]::new));
  }

  @Test
  void theSameCommandFinishesWhateverStateAnEarlyKillLeft(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    try (NoetherProcess reference = train(dir, runs, "reference")) {
      assertThat(reference.awaitExit()).as(reference.log()).isEqualTo(NoetherCli.OK);
    }
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<String> story = new ArrayList<>();
    // The first kills land while the JVM starts or assembles the stage, the later ones around the
    // first checkpoints: a start takes a few seconds here.
    for (int kill = 0; kill < KILLS; kill++) {
      long delay = random.nextInt(800 * (kill + 1));
      try (NoetherProcess p = train(dir, runs, "early")) {
        Thread.sleep(delay);
        p.killHard();
      }
      story.add("kill -9 after " + delay + " ms: " + state(runs.resolve("early/train")));
    }
    String context = "seed " + seed + ": " + String.join("; ", story);
    try (NoetherProcess last = train(dir, runs, "early")) {
      assertThat(last.awaitExit()).as("%s\n%s", context, last.log()).isEqualTo(NoetherCli.OK);
    }
    assertThat(FinalState.read(runs, "early")).as(context).isEqualTo(FinalState.read(runs, "reference"));
    List<Long> updates = updates(runs.resolve("early/train/history.jsonl"));
    assertThat(updates).as("history.jsonl holds each update once, in order; %s", context)
        .isEqualTo(updates(runs.resolve("reference/train/history.jsonl")));
  }

  private static String state(Path stageDir) throws Exception {
    if (!Files.exists(stageDir)) {
      return "no stage directory";
    }
    if (!Files.exists(stageDir.resolve("config.yaml"))) {
      return "stage directory without config.yaml";
    }
    try (Stream<Path> files = Files.list(stageDir.resolve("checkpoints"))) {
      long checkpoints = files.filter(p -> p.getFileName().toString().endsWith("_model.th")).count();
      return checkpoints == 0 ? "config.yaml, no checkpoint" : checkpoints + " model files";
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
