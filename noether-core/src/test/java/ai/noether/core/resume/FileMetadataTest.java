package ai.noether.core.resume;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.checkpoint.CheckpointContents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The iteration and tag inside a file against the store's record of its checkpoint. */
class FileMetadataTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration IT = new TrainingIteration(4, 52, 800);
  private static final String WHERE = "/runs/run1/train/checkpoints/net_cp=latest_trainer.th";

  @Test
  void latestHoldsTheFilesOfTheCheckpointItWasMovedToAtTheSameIteration() {
    assertThatCode(() -> check(tree("E4_U52_S800", IT), CheckpointTag.LATEST, IT))
        .doesNotThrowAnyException();
    assertThatCode(() -> check(tree("E4_U52_S800.signal", IT), CheckpointTag.LATEST, IT))
        .doesNotThrowAnyException();
    assertThatCode(() -> check(tree("E4_U52_S800", IT), CheckpointTag.at(IT), IT))
        .doesNotThrowAnyException();
  }

  @Test
  void anIterationThatDisagreesWithTheStoreNamesTheFileAndBothIterations() {
    assertThatThrownBy(
            () ->
                check(
                    tree("E4_U52_S800", IT),
                    CheckpointTag.LATEST,
                    new TrainingIteration(4, 56, 800)))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            "file "
                + WHERE
                + " records training_iteration E4_U52_S800, but checkpoint latest of run1/train"
                + " is recorded by its store at E4_U56_S800; the store's record or the file is damaged");
  }

  @Test
  void aTagThatIsNotTheCheckpointReadIsRefused() {
    TrainingIteration older = new TrainingIteration(3, 40, 616);
    // latest pointing at files of another iteration whose counters were made to agree
    assertThatThrownBy(() -> check(tree("E3_U40_S616", IT), CheckpointTag.LATEST, IT))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageStartingWith(
            "file "
                + WHERE
                + " records checkpoint_tag E3_U40_S616, which is not checkpoint"
                + " latest @ E4_U52_S800 of run1/train it was read as");
    assertThatThrownBy(() -> check(tree("best.loss", older), CheckpointTag.at(older), older))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(
            "records checkpoint_tag best.loss, which is not checkpoint E3_U40_S616");
  }

  private static Map<String, Object> tree(String tag, TrainingIteration iteration) {
    return Map.of(
        CheckpointKeys.CHECKPOINT_TAG,
        tag,
        CheckpointKeys.TRAINING_ITERATION,
        CheckpointContents.iterationTree(iteration));
  }

  private static void check(
      Map<String, Object> tree, CheckpointTag tag, TrainingIteration recorded) {
    StoredFile file =
        new StoredFile(CheckpointFileName.of("net", tag, CheckpointFileKind.TRAINER), 100, 42);
    StoredCheckpoint checkpoint =
        new StoredCheckpoint(STAGE, tag, recorded, List.of(file), Instant.EPOCH);
    FileMetadata.requireConsistent(tree, checkpoint, file, WHERE);
  }
}
