package ai.noether.callbacks.history;

import ai.noether.api.Nullable;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import ai.noether.callbacks.internal.IntervalTrigger;
import ai.noether.core.history.MetricHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders {@link HistoryPlots} from the stage's {@code history.jsonl} into
 * {@code <stage_dir>/plots/} at the end of training and, if configured, at an interval. The
 * trainer rewrites the history on resume, so plots of a resumed stage cover the whole stage with
 * the resume points marked.
 *
 * <p>Plots are a by-product: a failure to render is logged as a warning and never stops training.
 * Stateless.
 */
public final class HistoryPlotCallback implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryPlotCallback.class);

  private final @Nullable IntervalTrigger trigger;

  public HistoryPlotCallback(HistoryPlotCallbackConfig config) {
    Objects.requireNonNull(config, "config");
    this.trigger = config.interval() == null ? null : IntervalTrigger.of(config.interval());
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

  private static List<Path> render(TrainingContext context) {
    Path history = context.workDir().resolve(MetricHistory.FILE_NAME);
    if (!Files.exists(history)) {
      return List.of();
    }
    try {
      return HistoryPlots.render(history, context.workDir().resolve(HistoryPlots.DEFAULT_DIR));
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.warn("could not render the history plots of {}: {}", history, e.toString());
      return List.of();
    }
  }
}
