package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.ComponentContext;
import java.nio.file.Path;

/** The {@code file} kind: checkpoints in Noether's directory layout under {@code output_dir}. */
public final class FileCheckpointStoreFactory implements CheckpointStoreFactory<FileCheckpointStoreConfig> {
  /** The permanent kind name. */
  public static final String KIND = "file";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<FileCheckpointStoreConfig> configType() {
    return FileCheckpointStoreConfig.class;
  }

  @Override
  public String description() {
    return "checkpoints as files under output_dir/<run_id>/<stage_name>/checkpoints, committed atomically";
  }

  @Override
  public CheckpointStore create(FileCheckpointStoreConfig config, Path outputDir, ComponentContext context) {
    FileCheckpointStoreConfig c = config == null ? FileCheckpointStoreConfig.defaults() : config;
    FileCheckpointStore.Builder builder = FileCheckpointStore.builder()
        .setOutputDir(outputDir)
        .optFsync(c.fsyncOrDefault());
    if (context != null) {
      context.find(IterationProbe.class).ifPresent(builder::optIterationProbe);
    }
    return builder.build();
  }
}
