package ai.noether.initializers;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.init.Initializer;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.RunConfigLoader;
import ai.noether.core.registry.ComponentCategory;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.registry.RunContext;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds initializers the way a run does: a YAML run configuration is read by the real loader, and
 * the block under {@code model.initializers[0]} goes through the real {@link ComponentRegistry}
 * (services files, binding, factory) with a run context holding the run's store.
 */
public final class InitializerYaml {
  /** Every factory on the test class path, found through the services files. */
  public static final ComponentRegistry REGISTRY = ComponentRegistry.load();

  private InitializerYaml() {}

  /**
   * A run configuration of run {@code finetune} (stage {@code train}) whose model {@code
   * classifier} has the given initializer block.
   *
   * @param block the block's lines without indentation, e.g. {@code "kind: previous-run\nrun_id:
   *     r1"}
   */
  public static RunConfig runConfig(Path outputDir, String block) {
    String indented =
        block.strip().lines().map(l -> "      " + l).collect(Collectors.joining("\n")).substring(6);
    String yaml =
        "run_id: finetune\n"
            + "output_dir: "
            + outputDir
            + "\n"
            + "dataset: {kind: unused}\n"
            + "model:\n"
            + "  name: classifier\n"
            + "  kind: unused\n"
            + "  initializers:\n"
            + "    - "
            + indented
            + "\n"
            + "optimizer: {kind: unused, lr: 0.1}\n"
            + "trainer: {max_epochs: 1, batch_size: 4}\n";
    return new RunConfigLoader(outputDir, () -> "finetune").parse(yaml, "run.yaml", List.of());
  }

  /**
   * The initializer of {@code block}, created through the registry with {@code store} as the run's
   * store.
   */
  public static Initializer create(Path outputDir, CheckpointStore store, String block) {
    RunConfig config = runConfig(outputDir, block);
    ComponentBlock initializer = config.model().initializers().get(0);
    RunContext context = RunContext.forRun(config);
    if (store != null) {
      context.put(CheckpointStore.class, store);
    }
    return REGISTRY.create(ComponentCategory.INITIALIZER, initializer, context);
  }
}
