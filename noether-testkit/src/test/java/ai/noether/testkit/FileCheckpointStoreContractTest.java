package ai.noether.testkit;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.core.store.FileCheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract, run against the file store. */
class FileCheckpointStoreContractTest extends CheckpointStoreContract {
  @TempDir Path outputDir;

  @Override
  protected CheckpointStore newStore() {
    return FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build();
  }
}
