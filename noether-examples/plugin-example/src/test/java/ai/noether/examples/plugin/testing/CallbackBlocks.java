package ai.noether.examples.plugin.testing;

import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import java.nio.file.Path;
import java.util.List;

/**
 * Binds a callback block the way a run does: the YAML goes through the framework's loader and the
 * registry's binder, which find the kind through the services files on the class path.
 */
public final class CallbackBlocks {
  private static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  private CallbackBlocks() {}

  /**
   * Binds {@code trainer.callbacks[0]} of a small configuration file {@code callbacks.yaml}, whose
   * block is {@code kind: <kind>} followed by {@code lines} (the block's keys start at line 9).
   *
   * @return the bound config record
   * @throws ai.noether.api.ConfigException as the user would see it
   */
  public static Object bind(String kind, String... lines) {
    StringBuilder yaml = new StringBuilder("""
        dataset: {kind: synthetic-regression}
        model: {name: mlp, kind: mlp}
        optimizer: {kind: adamw, lr: 1.0e-3}
        trainer:
          max_epochs: 1
          batch_size: 8
          callbacks:
        """);
    yaml.append("    - kind: ").append(kind).append('\n');
    for (String line : lines) {
      yaml.append("      ").append(line).append('\n');
    }
    RunConfig config = new RunConfigLoader(Path.of("/tmp"), () -> "run1").parse(yaml.toString(), "callbacks.yaml", List.of());
    return REGISTRY.bind(ComponentCategory.CALLBACK, config.trainer().callbacks().get(0));
  }
}
