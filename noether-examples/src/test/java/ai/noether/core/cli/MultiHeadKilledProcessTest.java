package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.examples.pipeline.TwoHeadStage;
import ai.noether.testkit.NoetherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-head stage on named fields with a scaler and prefetching as a real training process:
 * killed with {@code kill -9} in the middle of an epoch (while a prefetched batch waits), then
 * continued with {@code noether resume}, its final checkpoint equals, bit for bit, the one of the
 * same stage trained without a kill.
 */
class MultiHeadKilledProcessTest {
  private static final int EPOCHS = 12;

  @Test
  void aTwoHeadRunKilledMidEpochIsResumedToTheSameEndBitForBit(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("two-heads.yaml");
    // A history line per update, so that the kill can be placed, and 120 updates, so that it lands
    // before the end; the shift file never exists.
    Files.writeString(
        config,
        TwoHeadStage.yaml(dir.resolve("no-shift"))
            .replace("log_every_n_updates: 3", "log_every_n_updates: 1")
            .replace("max_epochs: 3", "max_epochs: " + EPOCHS));
    Path runs = dir.resolve("runs");
    try (NoetherProcess p =
        NoetherProcess.start(
            dir,
            dir.resolve("noether.log"),
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=reference")) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
    }
    FinalState uninterrupted = FinalState.read(runs, "reference");

    Path history = runs.resolve("killed/train/history.jsonl");
    try (NoetherProcess p =
        NoetherProcess.start(
            dir,
            dir.resolve("noether.log"),
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=killed")) {
      p.awaitUpdate(history, 43);
      // A checkpoint is committed (saves are asynchronous), so the kill leaves something to resume
      // from.
      Path latest = runs.resolve("killed/train/checkpoints/.noether/latest.manifest");
      while (!Files.exists(latest) && p.isAlive()) {
        Thread.sleep(1);
      }
      p.killHard();
    }
    long killedAt = NoetherProcess.lastUpdate(history);
    assertThat(killedAt).as("killed before the end").isLessThan(EPOCHS * 10L);
    try (NoetherProcess p =
        NoetherProcess.start(
            dir, dir.resolve("noether.log"), "resume", "killed", "--output-dir", runs.toString())) {
      assertThat(p.awaitExit()).as("%s", p.log()).isEqualTo(NoetherCli.OK);
      assertThat(FinalState.read(runs, "killed"))
          .as("killed at update %d\n%s", killedAt, p.log())
          .isEqualTo(uninterrupted);
    }
  }
}
