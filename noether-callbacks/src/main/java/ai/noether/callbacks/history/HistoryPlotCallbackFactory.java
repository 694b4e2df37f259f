package ai.noether.callbacks.history;

import ai.noether.api.callback.Callback;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;

/** {@code kind: history}: see {@link HistoryPlotCallback}. */
public final class HistoryPlotCallbackFactory
    implements CallbackFactory<HistoryPlotCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "history";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<HistoryPlotCallbackConfig> configType() {
    return HistoryPlotCallbackConfig.class;
  }

  @Override
  public String description() {
    return "renders PNG plots of losses, metrics and the learning rate into <stage_dir>/plots";
  }

  @Override
  public Callback create(HistoryPlotCallbackConfig config, ComponentContext context) {
    return new HistoryPlotCallback(config);
  }
}
