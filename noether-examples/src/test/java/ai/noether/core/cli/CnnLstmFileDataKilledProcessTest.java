package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.examples.pipeline.CnnLstmFileStage;
import ai.noether.testkit.NoetherProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's resume parity with a real process: the {@code cnn-lstm} stage of {@link
 * CnnLstmFileStage} (batch norm, dropout, two heads, gradient accumulation, prefetching, a
 * file-backed scaled dataset) killed with {@code kill -9} after a committed checkpoint and
 * continued with {@code noether resume} ends with the final checkpoint of an uninterrupted run, bit
 * for bit.
 */
class CnnLstmFileDataKilledProcessTest {
  @Test
  void aKilledCnnLstmRunIsResumedToTheSameEndBitForBit(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("cnn-lstm.yaml");
    Files.writeString(
        config,
        CnnLstmFileStage.yaml(dir.resolve("fleet")).replace("max_epochs: 4", "max_epochs: 8"));
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
    long total = NoetherProcess.lastUpdate(runs.resolve("reference/train/history.jsonl"));

    Path history = runs.resolve("killed/train/history.jsonl");
    try (NoetherProcess p =
        NoetherProcess.start(
            dir,
            dir.resolve("noether.log"),
            "train",
            config.toString(),
            "output_dir=" + runs,
            "run_id=killed")) {
      p.awaitUpdate(history, total / 2);
      Path latest = runs.resolve("killed/train/checkpoints/.noether/latest.manifest");
      while (!Files.exists(latest) && p.isAlive()) {
        Thread.sleep(1);
      }
      p.killHard();
    }
    long killedAt = NoetherProcess.lastUpdate(history);
    assertThat(killedAt).as("killed before the end").isLessThan(total);
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
