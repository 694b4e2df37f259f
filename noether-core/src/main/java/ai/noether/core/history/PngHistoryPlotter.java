package ai.noether.core.history;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.logger.HistoryPlotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The api's {@link HistoryPlotter}: {@link HistoryPlots} of the stage's {@code history.jsonl} into
 * its {@value ai.noether.api.checkpoint.RunLayout#PLOTS_DIR} folder, as {@code noether plot} draws
 * them. Bound in the process injector by {@code CoreModule}. Stateless.
 */
public final class PngHistoryPlotter implements HistoryPlotter {

  @Override
  public List<Path> render(Path stageDir) throws IOException {
    Path history = RunLayout.historyFileIn(stageDir);
    if (!Files.exists(history)) {
      return List.of();
    }
    return HistoryPlots.render(history, RunLayout.plotsDirIn(stageDir));
  }
}
