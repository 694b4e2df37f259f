package ai.noether.api.logger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a stage's {@value ai.noether.api.checkpoint.RunLayout#HISTORY_FILE}, written by the
 * trainer, as it is now (also while the stage is still training). The framework's one reader of the
 * file; implemented by {@code noether-core} and bound in the process injector: a factory or a
 * {@link ai.noether.api.cli.CommandProvider} asks for it through its {@code @Inject} constructor.
 */
public interface HistoryReader {

  /**
   * The history in {@code file}. A last line that is cut off (the process died while writing it) is
   * skipped.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and line when any other line is not a history
   *     entry
   */
  StageHistory read(Path file) throws IOException;
}
