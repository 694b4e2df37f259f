package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status {@code noether runs} gives a stage, from the checkpoints a training leaves: finished
 * ({@code last} is the newest state), interrupted ({@code latest} is a signal's emergency
 * checkpoint, also when a periodic checkpoint shares its iteration), failed (an error's emergency
 * checkpoint, or no final one at all), with the history's last metrics and the duration since
 * {@code .started}. RunStatusProcessesTest (slow) checks running, interrupted and kill -9 with real
 * processes.
 */
class RunsStatusTest {
  @TempDir Path dir;

  private String runs(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "runs";
    System.arraycopy(args, 0, all, 1, args.length);
    int status =
        new NoetherCli(() -> NoetherCliTest.REGISTRY, RunLauncher.fromClassPath(), dir)
            .execute(new PrintWriter(out), new PrintWriter(err), all);
    assertThat(status).as(err.toString()).isZero();
    return out.toString();
  }

  private void commit(
      String run, CheckpointTag tag, TrainingIteration at, Set<CheckpointTag> aliases)
      throws Exception {
    try (FileCheckpointStore store = FileCheckpointStore.open(dir.resolve("runs"))) {
      List<CheckpointFile> files =
          List.of(
              ThFormat.encoder()
                  .encode(
                      CheckpointFileName.of("mlp", tag, CheckpointFileKind.MODEL),
                      Map.of("update", at.update())),
              ThFormat.encoder()
                  .encode(
                      CheckpointFileName.of("mlp", tag, CheckpointFileKind.TRAINER),
                      Map.of("checkpoint_tag", tag.token())));
      store.commit(new StageId(run, "train"), tag, at, files, aliases);
    }
  }

  private static final TrainingIteration U10 = new TrainingIteration(1, 10, 320);
  private static final TrainingIteration U20 = new TrainingIteration(2, 20, 640);

  @Test
  void aStageWhoseLastCheckpointIsItsNewestStateIsFinishedWithItsMetricsAndDuration()
      throws Exception {
    commit("r", CheckpointTag.at(U10), U10, Set.of(CheckpointTag.LATEST));
    commit("r", CheckpointTag.at(U20), U20, Set.of(CheckpointTag.LATEST, CheckpointTag.LAST));
    Path stage = dir.resolve("runs/r/train");
    Files.writeString(
        stage.resolve("history.jsonl"),
        """
        {"epoch":1,"update":10,"sample":320,"metrics":{"loss/train/total":0.5}}
        {"event":"resume","epoch":1,"update":10,"sample":320,"source":"r/train@E1_U10_S320"}
        {"epoch":2,"update":20,"sample":640,"metrics":{"loss/train/total":0.25,"loss/valid/total":0.3}}
        """);
    Files.writeString(stage.resolve(".started"), java.time.Instant.now().minusSeconds(3725) + "\n");

    String out = runs("r", "--output-dir", "runs");

    assertThat(out)
        .containsPattern("r/train\\n  status: finished at E2_U20_S640, 1:02:0\\d\\n")
        .containsPattern("  last metrics: loss/train/total=0\\.250*, loss/valid/total=0\\.30*\\n");
    assertThat(runs("--output-dir", "runs"))
        .contains("r  (stages: train)\n  train: finished at E2_U20_S640, 1:02:0");
  }

  @Test
  void
      aStageWhoseLatestIsASignalsEmergencyCheckpointIsInterruptedEvenBesideAPeriodicOneAtThatIteration()
          throws Exception {
    commit("r", CheckpointTag.at(U20), U20, Set.of(CheckpointTag.LATEST));
    commit("r", CheckpointTag.emergency(U20, "signal"), U20, Set.of(CheckpointTag.LATEST));

    assertThat(runs("r", "--output-dir", "runs"))
        .contains("status: interrupted at E2_U20_S640")
        .contains("by a signal at E2_U20_S640.signal; noether resume continues it");
  }

  @Test
  void aStageWhoseWriterLeaseIsHeldIsRunningAndNamesItsWriterAndNoLongerOnceReleased()
      throws Exception {
    commit("live", CheckpointTag.at(U10), U10, Set.of(CheckpointTag.LATEST));
    ai.noether.api.checkpoint.StageWriter writer =
        new ai.noether.api.checkpoint.StageWriter(
            ProcessHandle.current().pid(),
            "node17",
            java.time.Instant.now(),
            "noether train run.yaml");
    try (FileCheckpointStore store = FileCheckpointStore.open(dir.resolve("runs"));
        ai.noether.api.checkpoint.StageClaim claim =
            store.claim(new StageId("live", "train"), writer)) {
      assertThat(runs("live", "--output-dir", "runs"))
          .contains("status: running at E1_U10_S320")
          .contains("by pid " + writer.pid() + " on host node17")
          .contains("so far");
    }
    // Released: the lease file still names the holder, on a host this one cannot check.
    assertThat(runs("live", "--output-dir", "runs"))
        .contains("status: failed at E1_U10_S320")
        .contains("unless pid " + writer.pid() + " on host node17");
  }

  @Test
  void aStageStoppedByAnErrorOrWithoutAFinalCheckpointHasFailed() throws Exception {
    commit("err", CheckpointTag.at(U10), U10, Set.of(CheckpointTag.LATEST));
    commit("err", CheckpointTag.emergency(U20, "error"), U20, Set.of(CheckpointTag.LATEST));
    commit("killed", CheckpointTag.at(U10), U10, Set.of(CheckpointTag.LATEST, CheckpointTag.LAST));
    commit("killed", CheckpointTag.at(U20), U20, Set.of(CheckpointTag.LATEST));

    assertThat(runs("err", "--output-dir", "runs"))
        .contains("status: failed at E2_U20_S640")
        .contains("stopped with an emergency checkpoint E2_U20_S640.error (error)");
    assertThat(runs("killed", "--output-dir", "runs"))
        .contains("status: failed at E2_U20_S640")
        .contains(
            "stopped without a final or emergency checkpoint (killed or crashed); noether resume continues from"
                + " latest @ E2_U20_S640");
  }
}
