package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.examples.pipeline.TwoHeadStage;
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
    FinalState uninterrupted = TrainingProcesses.trainReference(dir, config, runs);

    long killedAt = TrainingProcesses.trainAndKill(dir, config, runs, 43);
    assertThat(killedAt).as("killed before the end").isLessThan(EPOCHS * 10L);
    TrainingProcesses.assertResumesTo(dir, runs, killedAt, uninterrupted);
  }
}
