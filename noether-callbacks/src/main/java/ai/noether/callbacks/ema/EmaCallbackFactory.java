package ai.noether.callbacks.ema;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: ema}: see {@link EmaCallback}. */
public final class EmaCallbackFactory implements CallbackFactory<EmaCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "ema";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<EmaCallbackConfig> configType() {
    return EmaCallbackConfig.class;
  }

  @Override
  public String description() {
    return "exponential moving averages of the model weights, saved as {model}_ema={factor} model files";
  }

  @Override
  public Callback create(EmaCallbackConfig config, ComponentContext context) {
    return new EmaCallback(config);
  }
}
