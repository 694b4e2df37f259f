package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.ComponentContext;
import java.nio.file.Path;
import java.util.Set;

/** The {@code file} kind: checkpoints in Noether's directory layout under {@code output_dir}. */
public final class FileCheckpointStoreFactory
    implements CheckpointStoreFactory<FileCheckpointStoreConfig> {
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

  /** Plain paths and {@code file:} URIs. */
  @Override
  public Set<String> schemes() {
    return Set.of(StoreLocation.FILE);
  }

  @Override
  public CheckpointStore create(
      FileCheckpointStoreConfig config, StoreLocation location, ComponentContext context) {
    Path outputDir =
        location
            .localPath()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the file store keeps checkpoints in a local directory, not at "
                            + location));
    FileCheckpointStoreConfig c = config == null ? FileCheckpointStoreConfig.defaults() : config;
    FileCheckpointStore.Builder builder =
        FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(c.fsyncOrDefault());
    if (context != null) {
      context.find(IterationProbe.class).ifPresent(builder::optIterationProbe);
    }
    return builder.build();
  }
}
