package ai.noether.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.model.ModelSnapshot;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Best checkpoints of a metric with {@code _} in its key ({@code nasa_score/valid}): named readably
 * today ({@code best.nasa_score~valid}), and one written under the old name ({@code
 * best.nasa%5Fscore~valid}) is still found, and replaced by the next best.
 */
class BestMetricSpellingTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final CheckpointTag.Best OLD =
      (CheckpointTag.Best) CheckpointTag.parse("best.nasa%5Fscore~valid");

  @TempDir Path outputDir;
  private TrainingIteration at = new TrainingIteration(1, 10, 320);

  @Test
  void aBestCheckpointIsNamedWithTheUnderscoreAsItIs() throws Exception {
    try (FileCheckpointStore store = FileCheckpointStore.open(outputDir);
        BackgroundCheckpointWriter writer = writer(store)) {
      writer.saveModels(CheckpointTag.best("nasa_score/valid"), models()).join();
    }

    assertThat(outputDir.resolve("run1/train/checkpoints/net_cp=best.nasa_score~valid_model.th"))
        .isRegularFile();
  }

  @Test
  void aBestCheckpointUnderTheOldNameIsFoundAndReplacedByTheNextBest() throws Exception {
    try (FileCheckpointStore store = FileCheckpointStore.open(outputDir);
        BackgroundCheckpointWriter writer = writer(store)) {
      writer.saveModels(OLD, models()).join();
      assertThat(
              outputDir.resolve("run1/train/checkpoints/net_cp=best.nasa%5Fscore~valid_model.th"))
          .isRegularFile();

      for (String selector :
          List.of("best.nasa_score/valid", "best.nasa_score~valid", "best.nasa%5Fscore~valid")) {
        assertThat(store.resolve(STAGE, CheckpointSelector.parse(selector)).tag())
            .as(selector)
            .isEqualTo(OLD);
      }

      at = new TrainingIteration(2, 20, 640);
      writer.saveModels(CheckpointTag.best("nasa_score/valid"), models()).join();
      writer.flush();

      assertThat(store.list(STAGE))
          .extracting(StoredCheckpoint::describe)
          .containsExactly("best.nasa_score~valid @ E2_U20_S640");
      assertThat(
              outputDir.resolve("run1/train/checkpoints/net_cp=best.nasa%5Fscore~valid_model.th"))
          .doesNotExist();
    }
  }

  private BackgroundCheckpointWriter writer(FileCheckpointStore store) {
    return new BackgroundCheckpointWriter(
        store,
        STAGE,
        new CheckpointContents(STAGE, ThFormat.encoder()),
        new SnapshotSource() {
          @Override
          public TrainingSnapshot snapshot(boolean includeOptimizer) {
            throw new UnsupportedOperationException("only model files are saved here");
          }

          @Override
          public TrainingIteration iteration() {
            return at;
          }

          @Override
          public Map<String, Map<String, Object>> modelConfigs() {
            return Map.of();
          }

          @Override
          public Map<String, Object> extras() {
            return Map.of();
          }
        });
  }

  private static List<ModelSnapshot> models() {
    return List.of(
        new ModelSnapshot("net", null, Map.of("w", HostTensor.ofFloats(new long[] {2}, 1f, 2f))));
  }
}
