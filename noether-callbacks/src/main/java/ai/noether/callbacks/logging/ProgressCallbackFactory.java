package ai.noether.callbacks.logging;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: progress}: see {@link ProgressCallback}. */
public final class ProgressCallbackFactory implements CallbackFactory<ProgressCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "progress";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<ProgressCallbackConfig> configType() {
    return ProgressCallbackConfig.class;
  }

  @Override
  public String description() {
    return "progress bar with ETA on a terminal, periodic progress log lines otherwise";
  }

  @Override
  public Callback create(ProgressCallbackConfig config, ComponentContext context) {
    return new ProgressCallback(config);
  }
}
