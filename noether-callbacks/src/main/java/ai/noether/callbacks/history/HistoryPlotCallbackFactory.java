package ai.noether.callbacks.history;

import ai.noether.api.callback.Callback;
import ai.noether.api.logger.HistoryPlotter;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.ComponentContext;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * {@code kind: history}: see {@link HistoryPlotCallback}. The callback draws with the framework's
 * {@link HistoryPlotter}, which the process injector gives the factory.
 */
public final class HistoryPlotCallbackFactory
    implements CallbackFactory<HistoryPlotCallbackConfig> {
  /** The permanent kind name. */
  public static final String KIND = "history";

  private final HistoryPlotter plotter;

  /**
   * @param plotter draws a stage's history as the charts of {@code noether plot}
   */
  @Inject
  public HistoryPlotCallbackFactory(HistoryPlotter plotter) {
    this.plotter = Objects.requireNonNull(plotter, "plotter");
  }

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
    return new HistoryPlotCallback(config, plotter);
  }
}
