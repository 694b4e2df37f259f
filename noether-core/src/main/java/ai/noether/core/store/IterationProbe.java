package ai.noether.core.store;

import ai.noether.api.checkpoint.TrainingIteration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the training iteration of a checkpoint file written without a store manifest (by Noether in
 * Python), when its name does not say it: {@code latest}, {@code last}, {@code best.*} and {@code
 * best_model.*} files carry the iteration only inside. The store treats file contents as opaque, so
 * a reader of the {@code .th} format plugs in here; {@link ThIterationProbe} is the default.
 */
@FunctionalInterface
public interface IterationProbe {

  /** A probe that never knows. */
  IterationProbe NONE = file -> Optional.empty();

  /** The iteration recorded inside {@code file}, or empty if it cannot tell. */
  Optional<TrainingIteration> iterationOf(Path file) throws IOException;
}
