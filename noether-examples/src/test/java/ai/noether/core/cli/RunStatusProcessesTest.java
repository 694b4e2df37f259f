package ai.noether.core.cli;

import static ai.noether.core.cli.InterruptedProcessesTest.QUICKSTART;
import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.StageId;
import ai.noether.core.cli.ResumeCommandTest.Result;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code noether runs} tells a stage's status from what real processes leave behind: running while
 * a process holds the writer lease, interrupted after SIGTERM, failed after {@code kill -9},
 * finished after training to its limit, each with its last iteration, metrics and duration. Slow
 * (three JVMs, about a minute); {@code RunsStatusTest} in noether-core checks the same states on
 * committed checkpoints in the default build.
 */
@Tag("slow")
class RunStatusProcessesTest {

  static NoetherProcess start(Path dir, String log, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(WriterLeaseProcessesTest.LONG);
    return NoetherProcess.start(dir, dir.resolve(log), all.toArray(String[]::new));
  }

  @Test
  void aStageIsRunningThenInterruptedThenFailedAfterKillNineAndFinishedWhenItReachesItsLimit(
      @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path history = runs.resolve("st/train/history.jsonl");
    try (NoetherProcess trainer =
        start(
            dir, "train.log", "train", QUICKSTART.toString(), "output_dir=" + runs, "run_id=st")) {
      trainer.awaitUpdate(history, 20);
      while (FileCheckpointStore.open(runs).list(new StageId("st", "train")).isEmpty()) {
        assertThat(trainer.isAlive()).as(trainer.log()).isTrue();
        Thread.sleep(10);
      }
      Result running = ResumeCommandTest.cli(dir, "runs", "st", "--output-dir", runs.toString());
      Result overview = ResumeCommandTest.cli(dir, "runs", "--output-dir", runs.toString());

      assertThat(running.status()).as(running.err()).isEqualTo(0);
      assertThat(running.out())
          .containsPattern("status: running at E\\d+_U\\d+_S\\d+, \\d+:\\d\\d:\\d\\d so far")
          .contains("by pid " + trainer.pid() + " on host ")
          .contains("last metrics: loss/train/total=");
      assertThat(overview.out()).containsPattern("\\n  train: running at E\\d+_U\\d+_S\\d+");

      trainer.signal("TERM");
      assertThat(trainer.awaitExit()).as(trainer.log()).isEqualTo(NoetherCli.INTERRUPTED);
    }
    Result interrupted = ResumeCommandTest.cli(dir, "runs", "st", "--output-dir", runs.toString());
    assertThat(interrupted.out())
        .containsPattern(
            "status: interrupted at (E\\d+_U\\d+_S\\d+), \\d+:\\d\\d:\\d\\d\\n"
                + " +by a signal at \\1\\.signal; noether resume continues it");

    try (NoetherProcess resumed =
        start(dir, "resume.log", "resume", "st", "--output-dir", runs.toString())) {
      long from = NoetherProcess.lastUpdate(history);
      resumed.awaitUpdate(history, from + 40);
      resumed.killHard();
    }
    Result failed = ResumeCommandTest.cli(dir, "runs", "st", "--output-dir", runs.toString());
    assertThat(failed.out())
        .containsPattern(
            "status: failed at E\\d+_U\\d+_S\\d+, \\d+:\\d\\d:\\d\\d\\n"
                + " +stopped without a final or emergency checkpoint \\(killed or crashed\\); noether resume continues from ");

    Result trained =
        ResumeCommandTest.cli(
            dir,
            "train",
            QUICKSTART.toString(),
            "output_dir=" + runs,
            "run_id=done",
            "trainer.max_epochs=1",
            "trainer.callbacks=[{kind: checkpoint, every_n_epochs: 1}]");
    assertThat(trained.status()).as(trained.err()).isEqualTo(0);
    Result finished = ResumeCommandTest.cli(dir, "runs", "done", "--output-dir", runs.toString());
    assertThat(finished.out())
        .containsPattern("status: finished at E1_U64_S2048, \\d+:\\d\\d:\\d\\d\\n")
        .containsPattern("last metrics: .*loss/valid/total=\\d");
  }
}
