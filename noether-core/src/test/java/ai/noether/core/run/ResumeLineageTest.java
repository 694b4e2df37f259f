package ai.noether.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeLineageTest {
  @Test
  void theChecksumNamesEveryFileByKindInFileOrder() {
    StoredCheckpoint cp =
        checkpoint(
            new StoredFile(CheckpointFileName.parse("mlp_cp=latest_model.th"), 10, 0xabcL),
            new StoredFile(CheckpointFileName.parse("mlp_cp=latest_trainer.th"), 5, 0xffffffffL));

    assertThat(ResumeLineage.checksum(cp)).isEqualTo("crc32c:model=00000abc,trainer=ffffffff");
  }

  @Test
  void aCheckpointWithoutStoreChecksumsSaysSo() {
    StoredCheckpoint cp =
        checkpoint(
            new StoredFile(CheckpointFileName.parse("mlp_cp=latest_model.th"), 10, 0xabcL),
            new StoredFile(
                CheckpointFileName.parse("mlp_cp=latest_trainer.th"), 5, StoredFile.NO_CHECKSUM));

    assertThat(ResumeLineage.checksum(cp)).isEqualTo("none (checkpoint without store checksums)");
  }

  private static StoredCheckpoint checkpoint(StoredFile... files) {
    return new StoredCheckpoint(
        new StageId("run-1", "train"),
        CheckpointTag.LATEST,
        TrainingIteration.ZERO,
        List.of(files),
        Instant.EPOCH);
  }
}
