package ai.noether.callbacks.history;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.logger.HistoryPlotter;
import ai.noether.callbacks.internal.IntervalTrigger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the framework's {@link HistoryPlotter} plots (those of {@code noether plot}) from the
 * stage's {@code history.jsonl} into {@code <stage_dir>/plots/} at the end of training and, if
 * configured, at an interval. The trainer rewrites the history on resume, so plots of a resumed
 * stage cover the whole stage with the resume points marked.
 *
 * <p>Plots are a by-product: a failure to render is logged as a warning and never stops training.
 * Stateless.
 */
public final class HistoryPlotCallback implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryPlotCallback.class);

  private final @Nullable IntervalTrigger trigger;
  private final HistoryPlotter plotter;

  /**
   * Draws with {@code plotter}: the framework's, which {@link HistoryPlotCallbackFactory} injects.
   */
  public HistoryPlotCallback(HistoryPlotCallbackConfig config, HistoryPlotter plotter) {
    Objects.requireNonNull(config, "config");
    this.trigger = config.interval() == null ? null : IntervalTrigger.of(config.interval());
    this.plotter = Objects.requireNonNull(plotter, "plotter");
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    if (trigger != null) {
      trigger.start(context.iteration());
    }
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    if (trigger != null && trigger.poll(context.iteration())) {
      render(context);
    }
  }

  @Override
  public void afterTraining(TrainingContext context) {
    List<Path> written = render(context);
    if (!written.isEmpty()) {
      LOG.info("wrote {} history plots to {}", written.size(), written.get(0).getParent());
    }
  }

  private List<Path> render(TrainingContext context) {
    try {
      return plotter.render(context.workDir());
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.warn(
          "could not render the history plots of {}: {}",
          context.workDir().resolve(RunLayout.HISTORY_FILE),
          e.toString());
      return List.of();
    }
  }
}
