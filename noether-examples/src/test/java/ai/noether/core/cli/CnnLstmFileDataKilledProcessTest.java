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
    FinalState uninterrupted = TrainingProcesses.trainReference(dir, config, runs);
    long total = NoetherProcess.lastUpdate(runs.resolve("reference/train/history.jsonl"));

    long killedAt = TrainingProcesses.trainAndKill(dir, config, runs, total / 2);
    assertThat(killedAt).as("killed before the end").isLessThan(total);
    TrainingProcesses.assertResumesTo(dir, runs, killedAt, uninterrupted);
  }
}
