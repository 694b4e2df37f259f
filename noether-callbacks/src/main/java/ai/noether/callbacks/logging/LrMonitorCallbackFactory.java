package ai.noether.callbacks.logging;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: lr-monitor}: see {@link LrMonitorCallback}. */
public final class LrMonitorCallbackFactory implements CallbackFactory<LrMonitorCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "lr-monitor";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<LrMonitorCallbackConfig> configType() {
    return LrMonitorCallbackConfig.class;
  }

  @Override
  public String description() {
    return "logs the learning rate as a metric (optim/lr) every N updates";
  }

  @Override
  public Callback create(LrMonitorCallbackConfig config, ComponentContext context) {
    return new LrMonitorCallback(config);
  }
}
