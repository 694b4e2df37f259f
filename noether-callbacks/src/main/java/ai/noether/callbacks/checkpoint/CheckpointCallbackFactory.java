package ai.noether.callbacks.checkpoint;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: checkpoint}: see {@link CheckpointCallback}. */
public final class CheckpointCallbackFactory implements CallbackFactory<CheckpointCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "checkpoint";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CheckpointCallbackConfig> configType() {
    return CheckpointCallbackConfig.class;
  }

  @Override
  public String description() {
    return "periodic resumable checkpoint every N epochs/updates/samples/minutes, optionally keeping the last N";
  }

  @Override
  public Callback create(CheckpointCallbackConfig config, ComponentContext context) {
    return new CheckpointCallback(config);
  }
}
