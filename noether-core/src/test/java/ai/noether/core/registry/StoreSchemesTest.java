package ai.noether.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.ConfigException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.store.memory.MemoryCheckpointStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** output_dir's scheme chooses the store; a store block's kind must serve it. */
class StoreSchemesTest {
  private static final ComponentRegistry REGISTRY = ComponentRegistry.load();
  @TempDir Path dir;

  private RunConfig config(String yaml) {
    return new RunConfigLoader(dir, () -> "run-1")
        .parse(
            yaml
                + "\ndataset: {kind: test-dataset, samples: 4}\n"
                + "model: {name: net, kind: test-model}\noptimizer: {kind: test-optimizer, lr: 0.1}\n"
                + "trainer: {kind: test-step, max_epochs: 1, batch_size: 4}\n",
            "run.yaml",
            List.of());
  }

  @Test
  void aPlainPathAndAFileUriChooseTheFileStore() throws Exception {
    for (String outputDir : List.of("runs", "file:" + dir.resolve("runs"))) {
      RunConfig run = config("output_dir: " + outputDir);
      assertThat(run.store().kind()).isEqualTo("file");
      assertThat(run.output().localPath()).contains(dir.resolve("runs"));
      try (CheckpointStore store =
          REGISTRY.create(
              ComponentCategory.STORE, run.store(), run.output(), RunContext.forRun(run))) {
        assertThat(store).isInstanceOf(FileCheckpointStore.class);
        assertThat(store.location()).isEqualTo(dir.resolve("runs").toString());
      }
    }
  }

  @Test
  void anotherSchemeChoosesTheFactoryThatServesItAndKeepsTheRunsFilesInAWorkDirectory()
      throws Exception {
    RunConfig run = config("output_dir: mem://bucket/team");
    assertThat(run.output()).hasToString("mem://bucket/team");
    assertThat(run.outputDir()).isEqualTo(dir.resolve(".noether-work/mem/bucket/team"));
    assertThat(run.toPlainTree().get("output_dir")).isEqualTo("mem://bucket/team");
    try (CheckpointStore store =
        REGISTRY.create(
            ComponentCategory.STORE, run.store(), run.output(), RunContext.forRun(run))) {
      assertThat(store).isInstanceOf(MemoryCheckpointStore.class);
    }
  }

  @Test
  void anS3OutputDirWithoutTheS3ModuleIsAConfigErrorNamingTheModuleAndTheKnownSchemes() {
    RunConfig run = config("output_dir: s3://bucket/runs");
    assertThatThrownBy(() -> REGISTRY.validate(run))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no checkpoint store on the class path serves 's3:' locations")
        .hasMessageContaining("noether-store-s3")
        .hasMessageContaining("Known schemes: file: (store 'file'");
  }

  @Test
  void aStoreKindThatDoesNotServeTheSchemeIsAConfigError() {
    RunConfig run = config("output_dir: mem://bucket/runs\nstore: {kind: file}");
    assertThatThrownBy(() -> REGISTRY.validate(run))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "store 'file' serves [file:] locations, but output_dir is mem://bucket/runs");
  }

  @Test
  void aBadUriIsAConfigErrorAtOutputDir() {
    assertThatThrownBy(() -> config("output_dir: 's3:bucket'"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("output_dir")
        .hasMessageContaining("names no bucket");
  }
}
