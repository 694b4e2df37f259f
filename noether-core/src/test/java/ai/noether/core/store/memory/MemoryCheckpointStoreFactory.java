package ai.noether.core.store.memory;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.spi.ComponentContext;
import java.util.Set;

/** The {@code memory} kind, serving {@code mem://bucket} locations; registered for tests only. */
public final class MemoryCheckpointStoreFactory implements CheckpointStoreFactory<Void> {
  @Override
  public String kind() {
    return "memory";
  }

  @Override
  public Class<Void> configType() {
    return Void.class;
  }

  @Override
  public String description() {
    return "test store: checkpoints in this JVM's memory";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("mem");
  }

  @Override
  public CheckpointStore create(Void config, StoreLocation location, ComponentContext context) {
    return new MemoryCheckpointStore(location);
  }
}
