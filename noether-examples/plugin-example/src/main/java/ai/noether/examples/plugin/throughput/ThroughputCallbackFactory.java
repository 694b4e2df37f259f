package ai.noether.examples.plugin.throughput;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/**
 * The {@code throughput} callback kind; see {@link ThroughputCallback} and {@link
 * ThroughputCallbackConfig}.
 */
public final class ThroughputCallbackFactory implements CallbackFactory<ThroughputCallbackConfig> {

  @Override
  public String kind() {
    return "throughput";
  }

  @Override
  public Class<ThroughputCallbackConfig> configType() {
    return ThroughputCallbackConfig.class;
  }

  @Override
  public String description() {
    return "logs samples and updates per second of wall-clock time as metrics";
  }

  @Override
  public Callback create(ThroughputCallbackConfig config, ComponentContext context) {
    return new ThroughputCallback(config);
  }
}
