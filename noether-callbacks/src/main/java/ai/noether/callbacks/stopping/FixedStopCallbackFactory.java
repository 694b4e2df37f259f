package ai.noether.callbacks.stopping;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: fixed-stop}: see {@link FixedStopCallback}. */
public final class FixedStopCallbackFactory implements CallbackFactory<FixedStopCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "fixed-stop";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<FixedStopCallbackConfig> configType() {
    return FixedStopCallbackConfig.class;
  }

  @Override
  public String description() {
    return "stops training at a given at_epoch, at_update or at_sample";
  }

  @Override
  public Callback create(FixedStopCallbackConfig config, ComponentContext context) {
    return new FixedStopCallback(config);
  }
}
