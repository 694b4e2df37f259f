package ai.noether.api.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredCheckpointTest {
  private static StoredCheckpoint withFiles(String... names) {
    return new StoredCheckpoint(
        new StageId("r", "train"),
        CheckpointTag.LATEST,
        TrainingIteration.ZERO,
        List.of(names).stream()
            .map(n -> new StoredFile(CheckpointFileName.parse(n), 1, StoredFile.NO_CHECKSUM))
            .toList(),
        Instant.EPOCH);
  }

  @Test
  void emaWeightsAreFoundUnderEitherSpellingOfTheirModelInfo() {
    StoredCheckpoint written =
        withFiles("mlp_cp=latest_model.th", "mlp_ema=0.9999_cp=latest_model.th");
    StoredCheckpoint documented =
        withFiles("mlp_cp=latest_model.th", "mlp_ema_factor=0.9999_cp=latest_model.th");

    assertThat(written.file("mlp", "ema_factor=0.9999", CheckpointFileKind.MODEL))
        .hasValueSatisfying(
            f -> assertThat(f.name().format()).isEqualTo("mlp_ema=0.9999_cp=latest_model.th"));
    assertThat(documented.file("mlp", "ema=0.9999", CheckpointFileKind.MODEL))
        .hasValueSatisfying(
            f ->
                assertThat(f.name().format())
                    .isEqualTo("mlp_ema_factor=0.9999_cp=latest_model.th"));
    assertThat(written.file("mlp", "ema=0.999", CheckpointFileKind.MODEL)).isEmpty();
    assertThat(written.file("mlp", null, CheckpointFileKind.MODEL))
        .hasValueSatisfying(f -> assertThat(f.name().format()).isEqualTo("mlp_cp=latest_model.th"));
  }

  @Test
  void theGivenSpellingWinsWhenBothExist() {
    StoredCheckpoint both =
        withFiles("mlp_ema=0.9_cp=latest_model.th", "mlp_ema_factor=0.9_cp=latest_model.th");

    assertThat(
            both.file("mlp", "ema_factor=0.9", CheckpointFileKind.MODEL)
                .orElseThrow()
                .name()
                .format())
        .isEqualTo("mlp_ema_factor=0.9_cp=latest_model.th");
    assertThat(both.file("mlp", "ema=0.9", CheckpointFileKind.MODEL).orElseThrow().name().format())
        .isEqualTo("mlp_ema=0.9_cp=latest_model.th");
  }

  @Test
  void aRunTrainedWithoutAStageKeepsItsCheckpointsDirectlyInTheRunDirectory() {
    RunLayout layout = new RunLayout(Path.of("/out"), StageId.stageless("r1"));

    assertThat(layout.stageDir()).isEqualTo(Path.of("/out/r1"));
    assertThat(layout.checkpointDir()).isEqualTo(Path.of("/out/r1/checkpoints"));
    assertThat(StageId.stageless("r1").isStageless()).isTrue();
    assertThat(StageId.stageless("r1")).hasToString("r1");
    assertThat(new StageId("r1", "train").isStageless()).isFalse();
    assertThat(RunLayout.of(Path.of("/out"), "r1", "train").checkpointDir())
        .isEqualTo(Path.of("/out/r1/train/checkpoints"));
  }
}
