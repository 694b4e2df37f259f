package ai.noether.api.logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws a stage's {@value ai.noether.api.checkpoint.RunLayout#HISTORY_FILE} as PNG plots (one per
 * family of metrics, the learning rate, the resume points marked), as {@code noether plot} does.
 * Implemented by {@code noether-core} and bound in the process injector: a factory asks for it
 * through its {@code @Inject} constructor.
 */
public interface HistoryPlotter {

  /**
   * Renders the history of the stage in {@code stageDir} into its plots folder, replacing plots
   * drawn before.
   *
   * @return the files written, in drawing order; empty when the stage has no history or it holds no
   *     metrics yet
   * @throws IOException if the history cannot be read or a plot cannot be written
   */
  List<Path> render(Path stageDir) throws IOException;
}
