package ai.noether.testkit;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.core.store.memory.MemoryCheckpointStore;
import java.net.URI;

/**
 * The store contract, run against a store with no files at all: what passes here does not lean on
 * the file system (paths, FileChannels, mapping), as an object store cannot.
 */
class MemoryCheckpointStoreContractTest extends CheckpointStoreContract {
  @Override
  protected CheckpointStore newStore() {
    MemoryCheckpointStore.clearAll();
    return new MemoryCheckpointStore(new StoreLocation(URI.create("mem://contract/runs")));
  }
}
