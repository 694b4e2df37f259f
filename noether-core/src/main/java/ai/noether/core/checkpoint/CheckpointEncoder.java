package ai.noether.core.checkpoint;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import java.util.Map;

/** Turns a state tree into a file ready to commit (the {@code .th} format in production). */
@FunctionalInterface
public interface CheckpointEncoder {

  /** A file named {@code name} holding {@code tree}; its size is known before it is written. */
  CheckpointFile encode(CheckpointFileName name, Map<String, Object> tree);
}
