package ai.noether.initializers.previousrun;

import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointStores;
import ai.noether.api.checkpoint.ModelWeightsReader;
import ai.noether.api.init.Initializer;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.InitializerFactory;

/**
 * The {@code previous-run} kind: model weights from a checkpoint of an earlier run (or an earlier
 * stage of this run). Runs are found in the run's own checkpoint store unless the block sets {@code
 * output_dir}.
 */
public final class PreviousRunInitializerFactory
    implements InitializerFactory<PreviousRunInitializerConfig> {
  /** The permanent kind name. */
  public static final String KIND = "previous-run";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<PreviousRunInitializerConfig> configType() {
    return PreviousRunInitializerConfig.class;
  }

  @Override
  public String description() {
    return "model weights from a checkpoint of a previous run (no optimizer state, no counters)";
  }

  @Override
  public Initializer create(PreviousRunInitializerConfig config, ComponentContext context) {
    CheckpointStore store =
        config.outputDir() == null ? context.require(CheckpointStore.class) : null;
    CheckpointStores stores =
        config.outputDir() == null ? null : context.require(CheckpointStores.class);
    RunInfo run = context.find(RunInfo.class).orElse(null);
    return new PreviousRunInitializer(
        config,
        store,
        stores,
        context.require(ModelWeightsReader.class),
        run == null ? null : run.stage(),
        context.path());
  }
}
