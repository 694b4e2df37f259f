package ai.noether.api.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Lists the runs and stages in a local {@code output_dir} ({@link RunLayout}'s tree), as the file
 * store, {@code resume}, {@code plot} and {@code report} see them. Implemented by {@code
 * noether-core} and bound in the process injector: a factory or a command provider asks for it
 * through its {@code @Inject} constructor.
 *
 * <p>Every list is sorted by name, never null and possibly empty; a directory that does not exist
 * (or vanishes while it is read) lists as empty. Hidden entries (a store's own, such as {@code
 * .noether}) are never runs or stages. Thread-safe.
 */
public interface RunListing {

  /**
   * The runs of {@code outputDir}: its directories whose names are valid run ids ({@link Names}).
   */
  List<String> runIds(Path outputDir) throws IOException;

  /**
   * The stages of the run directory {@code runDir} as a checkpoint store sees them: its stage
   * directories and, first, {@link StageId#NO_STAGE} if the run holds a {@code checkpoints/}
   * directory itself (a run without stages). In such a run, {@link
   * RunLayout#STAGELESS_RUN_DIRECTORIES} are the run's own directories, not stages.
   */
  List<String> stages(Path runDir) throws IOException;

  /**
   * The stage directories of {@code runDir} that hold a regular file {@code fileName} of the
   * layout: {@link RunLayout#HISTORY_FILE} for the stages with a history, {@link
   * RunLayout#RESOLVED_CONFIG_FILE} for those that can be resumed.
   */
  List<String> stagesWith(Path runDir, String fileName) throws IOException;

  /**
   * The directories under {@code dir} whose names are not hidden, whether or not they are valid
   * names: what a message lists as "runs there" or "stages" when the one asked for is missing.
   */
  List<String> subdirectories(Path dir) throws IOException;
}
