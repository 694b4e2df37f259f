package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.spi.CheckpointStoreFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreFactoryTest {
  @TempDir Path outputDir;

  @Test
  void fileKindIsFoundThroughTheServiceLoaderAndBuildsAWorkingStore() throws Exception {
    CheckpointStoreFactory<?> factory =
        ServiceLoader.load(CheckpointStoreFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.kind().equals("file"))
            .findFirst()
            .orElseThrow();
    assertThat(factory).isInstanceOf(FileCheckpointStoreFactory.class);
    assertThat(factory.configType()).isEqualTo(FileCheckpointStoreConfig.class);

    FileCheckpointStoreConfig config =
        new YAMLMapper().readValue("fsync: false\n", FileCheckpointStoreConfig.class);
    try (FileCheckpointStore store =
        (FileCheckpointStore)
            ((FileCheckpointStoreFactory) factory)
                .create(config, StoreLocation.of(outputDir), null)) {
      StageId stage = new StageId("run1", "train");
      TrainingIteration it = new TrainingIteration(1, 10, 320);
      store.commit(
          stage,
          CheckpointTag.at(it),
          it,
          List.copyOf(BytesFile.resumable("mlp", CheckpointTag.at(it), 10, 1)),
          Set.of(CheckpointTag.LATEST));

      assertThat(store.resolve(stage, CheckpointSelector.parse("latest")).iteration())
          .isEqualTo(it);
      assertThat(outputDir.resolve("run1/train/checkpoints/mlp_cp=latest_model.th")).exists();
    }
  }

  @Test
  void fsyncIsOnUnlessTheConfigTurnsItOff() throws Exception {
    YAMLMapper yaml = new YAMLMapper();

    assertThat(yaml.readValue("{}", FileCheckpointStoreConfig.class).fsyncOrDefault()).isTrue();
    assertThat(yaml.readValue("fsync: true", FileCheckpointStoreConfig.class).fsyncOrDefault())
        .isTrue();
    assertThat(yaml.readValue("fsync: false", FileCheckpointStoreConfig.class).fsyncOrDefault())
        .isFalse();
    assertThat(FileCheckpointStoreConfig.defaults().fsyncOrDefault()).isTrue();
  }
}
