package ai.noether.core.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code model} block: its name, its kind with the model's own settings, and the initializers
 * that run on the freshly built model, in order.
 *
 * <pre>{@code
 * model:
 *   name: regressor          # used in checkpoint file names
 *   kind: mlp
 *   hidden_sizes: [64, 64]   # the model's own config
 *   initializers:
 *     - kind: previous-run
 *       run_id: 260301-101500-a1b2
 *       model_name: regressor
 *       checkpoint_tag: latest
 * }</pre>
 *
 * @param name the validated model name; never null
 * @param block kind and settings for the {@link ai.noether.api.spi.ModelFactory}; never null
 * @param initializers blocks for {@link ai.noether.api.spi.InitializerFactory}s, in configuration
 *     order; never null, possibly empty
 */
public record ModelConfig(String name, ComponentBlock block, List<ComponentBlock> initializers) {
  public ModelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(block, "block");
    initializers = List.copyOf(initializers);
  }
}
