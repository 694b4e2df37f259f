package ai.noether.core.cli;

import static ai.noether.core.cli.InterruptedProcessesTest.QUICKSTART;
import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.StageId;
import ai.noether.core.cli.ResumeCommandTest.Result;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.testkit.NoetherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per stage for the whole life of a training process, with real processes: two {@code
 * train}s of one stage started together (exactly one trains), a {@code resume} and a {@code train
 * --resume-if-exists} while another process trains the stage (refused at once, naming it), and the
 * lease of a process killed with {@code kill -9} (blocks nobody).
 */
class WriterLeaseProcessesTest {
  /** Long enough that the winner is still training whenever the other process gets to its claim. */
  static final List<String> LONG =
      List.of(
          "trainer.max_epochs=400",
          "trainer.log_every_n_updates=1",
          "trainer.callbacks[0].every_n_updates=16");

  static NoetherProcess train(Path dir, String log, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("train", QUICKSTART.toString()));
    all.addAll(List.of(args));
    all.addAll(LONG);
    return NoetherProcess.start(dir, dir.resolve(log), all.toArray(String[]::new));
  }

  @Test
  void twoTrainsOfOneStageStartedTogetherExactlyOneTrainsAndTheOtherIsRefusedNamingItsPid(
      @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    try (NoetherProcess a =
            train(dir, "a.log", "output_dir=" + runs, "run_id=dup", "optimizer.lr=3e-3");
        NoetherProcess b =
            train(dir, "b.log", "output_dir=" + runs, "run_id=dup", "optimizer.lr=1e-3")) {
      long deadline = System.nanoTime() + NoetherProcess.PATIENCE.toNanos();
      while (a.isAlive() && b.isAlive()) {
        assertThat(System.nanoTime())
            .as("neither was refused:\n%s\n%s", a.log(), b.log())
            .isLessThan(deadline);
        Thread.sleep(20);
      }
      NoetherProcess refused = a.isAlive() ? b : a;
      NoetherProcess winner = refused == a ? b : a;
      String lr = winner == a ? "0.003" : "0.001";
      assertThat(refused.awaitExit()).as(refused.log()).isEqualTo(NoetherCli.USAGE);
      assertThat(refused.log())
          .contains(
              "stage dup/train is being trained by another process (pid "
                  + winner.pid()
                  + " on host ")
          .contains(
              ", command: noether train " + QUICKSTART + " output_dir=" + runs + " run_id=dup")
          .doesNotContain("Exception");
      Path history = runs.resolve("dup/train/history.jsonl");
      winner.awaitUpdate(history, 20);
      assertThat(winner.isAlive()).isTrue();
      assertThat(runs.resolve("dup/train/config.yaml")).content().contains("lr: " + lr);

      winner.signal("TERM");
      assertThat(winner.awaitExit()).as(winner.log()).isEqualTo(NoetherCli.INTERRUPTED);
    }
  }

  @Test
  void aResumeWhileAnotherProcessTrainsTheStageIsRefusedAndTheLeaseOfAKilledProcessBlocksNobody(
      @TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    StageId stage = new StageId("busy", "train");
    try (NoetherProcess trainer = train(dir, "train.log", "output_dir=" + runs, "run_id=busy")) {
      trainer.awaitUpdate(runs.resolve("busy/train/history.jsonl"), 20);
      while (FileCheckpointStore.open(runs).list(stage).isEmpty()) {
        assertThat(trainer.isAlive()).as(trainer.log()).isTrue();
        Thread.sleep(10);
      }

      Result resume = ResumeCommandTest.cli(dir, "resume", "busy", "--output-dir", runs.toString());
      assertThat(resume.status()).as(resume.out() + resume.err()).isEqualTo(NoetherCli.USAGE);
      assertThat(resume.err())
          .startsWith(
              "stage busy/train is being trained by another process (pid "
                  + trainer.pid()
                  + " on host ")
          .doesNotContain("Exception");
      Result autoResume =
          ResumeCommandTest.cli(
              dir,
              "train",
              QUICKSTART.toString(),
              "output_dir=" + runs,
              "run_id=busy",
              "--resume-if-exists");
      assertThat(autoResume.status()).isEqualTo(NoetherCli.USAGE);
      assertThat(autoResume.err()).isEqualTo(resume.err());
      assertThat(trainer.isAlive()).as("the refused commands left the trainer alone").isTrue();

      trainer.killHard();
    }
    assertThat(Files.readString(runs.resolve(".noether/leases/busy/train.lease")))
        .as("the killed process's lease file is still there")
        .contains("pid: ");
    long epoch =
        FileCheckpointStore.open(runs)
            .resolve(stage, CheckpointSelector.parse("latest"))
            .iteration()
            .epoch();
    Result resumed =
        ResumeCommandTest.cli(
            dir,
            "resume",
            "busy",
            "--output-dir",
            runs.toString(),
            "trainer.max_epochs=" + (epoch + 1));
    assertThat(resumed.status()).as(resumed.err()).isEqualTo(NoetherCli.OK);
    assertThat(resumed.out())
        .startsWith("resuming busy/train from busy/train@latest")
        .contains("finished at E" + (epoch + 1) + "_");
  }
}
