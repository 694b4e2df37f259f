package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract, run against the file store. */
class FileCheckpointStoreContractTest extends CheckpointStoreContractTest {
  @TempDir Path outputDir;

  @Override
  protected CheckpointStore newStore() {
    return FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build();
  }
}
