package ai.noether.core.config;

import static ai.noether.core.config.ConfigKeys.*;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.Names;
import java.util.List;

/**
 * Reads the {@code model} block: its name, its kind with the model's own keys, and its
 * initializers, checking every block with the {@link BlockCheck} while it reads.
 */
final class ModelSectionReader {
  private ModelSectionReader() {}

  /**
   * The model, or null after recording in {@code errors} why it cannot be built; reads every part
   * even after a problem, so that all of them are reported at once.
   */
  @Nullable
  static ModelConfig read(MapReader root, BlockCheck check, ConfigErrors errors) {
    MapReader m =
        errors.readOrNull(
            () ->
                root.requireChild(
                    MODEL, "the model to train, e.g. model: {name: regressor, kind: mlp}"));
    if (m == null) {
      return null;
    }
    String name = errors.readOrNull(() -> requireName(m));
    ComponentBlock block = errors.readOrNull(() -> m.asBlock(null, MODEL_KEYS));
    check.recordProblems(BlockCheck.MODEL, block, errors);
    List<ComponentBlock> initializers =
        errors.read(() -> m.blocks(INITIALIZERS, errors), List.of());
    initializers.forEach(b -> check.recordProblems(BlockCheck.INITIALIZER, b, errors));
    return name == null || block == null ? null : new ModelConfig(name, block, initializers);
  }

  private static String requireName(MapReader m) {
    String name = m.name(NAME, null, Names::requireModelName);
    if (name == null) {
      throw m.missing(NAME, "the model name used in checkpoint file names, e.g. name: regressor");
    }
    return name;
  }
}
