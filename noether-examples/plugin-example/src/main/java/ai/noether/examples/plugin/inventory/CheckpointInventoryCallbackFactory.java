package ai.noether.examples.plugin.inventory;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/**
 * The {@code checkpoint-inventory} callback kind; see {@link CheckpointInventoryCallback}. The
 * callback is created by the run's injector, which gives its {@code @Inject} constructor the bound
 * config, the run's facts and its checkpoint store.
 */
public final class CheckpointInventoryCallbackFactory
    implements CallbackFactory<CheckpointInventoryCallbackConfig> {

  @Override
  public String kind() {
    return "checkpoint-inventory";
  }

  @Override
  public Class<CheckpointInventoryCallbackConfig> configType() {
    return CheckpointInventoryCallbackConfig.class;
  }

  @Override
  public String description() {
    return "logs how many checkpoints the stage keeps in its store, and their size in MB, as metrics";
  }

  @Override
  public Callback create(CheckpointInventoryCallbackConfig config, ComponentContext context) {
    return context.inject(CheckpointInventoryCallback.class);
  }
}
