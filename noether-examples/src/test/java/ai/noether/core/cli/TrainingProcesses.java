package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.testkit.NoetherProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training processes as the process tests start them ({@code noether train} and {@code noether
 * resume} in child JVMs, each logging to {@code noether.log} in the test's directory), and their
 * kill-and-resume check: run {@code reference} of a configuration trained to its end, run {@code
 * killed} of the same configuration stopped with {@code kill -9} once a checkpoint is committed,
 * then continued with {@code noether resume} to the same final state, bit for bit.
 */
final class TrainingProcesses {
  private TrainingProcesses() {}

  /** Starts {@code noether train config output_dir=runs run_id=runId} with {@code overrides}. */
  static NoetherProcess train(
      Path dir, Path config, Path runs, String runId, List<String> overrides) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("train", config.toString(), "output_dir=" + runs, "run_id=" + runId));
    args.addAll(overrides);
    return NoetherProcess.start(dir, dir.resolve("noether.log"), args.toArray(String[]::new));
  }

  /** Starts {@code noether resume runId --output-dir runs}. */
  static NoetherProcess resume(Path dir, Path runs, String runId) throws IOException {
    return NoetherProcess.start(
        dir, dir.resolve("noether.log"), "resume", runId, "--output-dir", runs.toString());
  }

  /** Trains run {@code reference} to its end and reads its final state. */
  static FinalState trainReference(Path dir, Path config, Path runs) throws Exception {
    try (NoetherProcess p = train(dir, config, runs, "reference", List.of())) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    }
    return FinalState.read(runs, "reference");
  }

  /**
   * Trains run {@code killed} until its history reaches {@code update} and a checkpoint is
   * committed (saves are asynchronous), so that the kill leaves something to resume from, then
   * kills it with {@code kill -9}.
   *
   * @return the last update in the killed run's history
   */
  static long trainAndKill(Path dir, Path config, Path runs, long update) throws Exception {
    Path history = runs.resolve("killed/train/history.jsonl");
    try (NoetherProcess p = train(dir, config, runs, "killed", List.of())) {
      p.awaitUpdate(history, update);
      Path latest = runs.resolve("killed/train/checkpoints/.noether/latest.manifest");
      while (!Files.exists(latest) && p.isAlive()) {
        Thread.sleep(1);
      }
      p.killHard();
    }
    return NoetherProcess.lastUpdate(history);
  }

  /** Resumes run {@code killed} and checks that it ends as {@code uninterrupted} did. */
  static void assertResumesTo(Path dir, Path runs, long killedAt, FinalState uninterrupted)
      throws Exception {
    try (NoetherProcess p = resume(dir, runs, "killed")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
      assertThat(FinalState.read(runs, "killed"))
          .as("killed at update %d\n%s", killedAt, p.log())
          .isEqualTo(uninterrupted);
    }
  }
}
