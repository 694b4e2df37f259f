package ai.noether.api.spi;

import ai.noether.api.checkpoint.CheckpointStore;
import java.nio.file.Path;

/** Builds checkpoint stores; listed in {@code META-INF/services/ai.noether.api.spi.CheckpointStoreFactory}. */
public interface CheckpointStoreFactory<C> extends ComponentFactory<C> {

  /** A store rooted at {@code outputDir} (a local path, or a prefix for object stores). */
  CheckpointStore create(C config, Path outputDir, ComponentContext context);
}
