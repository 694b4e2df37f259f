package ai.noether.core.layout;

import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one listing of runs and stages in a local {@code output_dir} ({@link RunLayout}'s tree). The
 * file store's {@code runs()} and {@code stages()}, {@code resume}'s discovery of what it can
 * continue, and the {@code plot} and {@code report} commands' discovery of histories all ask here.
 *
 * <p>Every list is sorted by name and never null; a directory that does not exist (or vanishes
 * while it is read) lists as empty. Hidden entries (the stores' own, such as {@code .noether}) are
 * never runs or stages.
 */
public final class RunDirectories {
  /**
   * How lists show the stage of a run trained without one ({@link StageId#NO_STAGE}, as Noether in
   * Python writes a run without {@code stage_name}); a {@code previous-run} initializer selects it
   * by leaving {@code stage_name} out (when it is the run's only stage) or setting it to {@code
   * ""}.
   */
  public static final String NO_STAGE_LABEL = "(no stage)";

  private RunDirectories() {}

  /**
   * The runs a file store holds: the directories of {@code outputDir} whose names are valid run
   * ids.
   */
  public static List<String> runIds(Path outputDir) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path p : entries(outputDir)) {
      String name = p.getFileName().toString();
      if (Files.isDirectory(p) && isRunId(name)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * The stages of a run directory as a file store sees them: its stage directories and, if the run
   * holds a {@code checkpoints/} directory itself (Noether in Python without {@code stage_name}),
   * {@link StageId#NO_STAGE} first. In such a run, {@link RunLayout#STAGELESS_RUN_DIRECTORIES} are
   * that run's own directories, not stages, unless one is a real directory with a {@code
   * checkpoints/} of its own.
   */
  public static List<String> stages(Path runDir) throws IOException {
    boolean stageless = Files.isDirectory(RunLayout.checkpointDirIn(runDir));
    List<String> stages = new ArrayList<>();
    for (Path p : entries(runDir)) {
      String name = p.getFileName().toString();
      if (!Files.isDirectory(p) || !isStageName(name)) {
        continue;
      }
      if (stageless
          && RunLayout.STAGELESS_RUN_DIRECTORIES.contains(name)
          && (Files.isSymbolicLink(p) || !Files.isDirectory(RunLayout.checkpointDirIn(p)))) {
        continue;
      }
      stages.add(name);
    }
    stages.sort(null);
    if (stageless) {
      stages.add(0, StageId.NO_STAGE);
    }
    return stages;
  }

  /** The directories under {@code dir} whose names are not hidden. */
  public static List<String> subdirectories(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path p : entries(dir)) {
      String name = p.getFileName().toString();
      if (!name.startsWith(".") && Files.isDirectory(p)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * The stage directories of a run that hold a regular file {@code fileName} of the layout, e.g.
   * {@link RunLayout#RESOLVED_CONFIG_FILE} (the stages {@code resume} can continue) or {@link
   * RunLayout#HISTORY_FILE} (the stages {@code plot} can draw).
   */
  public static List<String> stagesWith(Path runDir, String fileName) throws IOException {
    List<String> stages = new ArrayList<>();
    for (String stage : subdirectories(runDir)) {
      if (Files.isRegularFile(runDir.resolve(stage).resolve(fileName))) {
        stages.add(stage);
      }
    }
    return stages;
  }

  /**
   * The run directories under {@code outputDir} that {@code isRun} accepts, so that pointing a
   * command at, say, {@code /tmp} does not list every folder there as a run.
   */
  public static List<String> runs(Path outputDir, Predicate<Path> isRun) throws IOException {
    return subdirectories(outputDir).stream()
        .filter(r -> isRun.test(outputDir.resolve(r)))
        .toList();
  }

  /** True if some stage of the run holds the file {@code fileName}; false if it cannot be read. */
  public static boolean hasStageWith(Path runDir, String fileName) {
    try {
      return !stagesWith(runDir, fileName).isEmpty();
    } catch (IOException | RuntimeException e) {
      return false; // unreadable: not one of ours to list
    }
  }

  /**
   * True if the directory looks like a run of ours or of Noether in Python: it has checkpoints
   * directly (a run without stages), or a stage with a saved configuration, a history or
   * checkpoints.
   */
  public static boolean looksLikeRun(Path runDir) {
    if (Files.isDirectory(RunLayout.checkpointDirIn(runDir))) {
      return true;
    }
    try (Stream<Path> children = Files.list(runDir)) {
      return children.anyMatch(
          s ->
              Files.isRegularFile(RunLayout.resolvedConfigFileIn(s))
                  || Files.isRegularFile(RunLayout.historyFileIn(s))
                  || Files.isDirectory(RunLayout.checkpointDirIn(s)));
    } catch (IOException | RuntimeException e) {
      return false; // unreadable: not one of ours to list
    }
  }

  /**
   * The file {@code fileName} of a stage ({@code <run>/<stage>/<fileName>}, at most three levels
   * below {@code outputDir}) that was modified last: e.g. the configuration of the stage started or
   * resumed most recently.
   */
  public static Optional<Path> newest(Path outputDir, String fileName) throws IOException {
    try (Stream<Path> files =
        Files.find(
            outputDir,
            3,
            (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(fileName))) {
      return files.max(Comparator.comparing(RunDirectories::modified));
    }
  }

  /** Stage names for messages: {@code (no stage), finetune, train}. */
  public static String describeStages(List<String> stages) {
    return stages.stream().map(RunDirectories::label).collect(Collectors.joining(", "));
  }

  /** A stage name for messages: the stage of a run without stages as {@value #NO_STAGE_LABEL}. */
  public static String label(String stage) {
    return stage.isEmpty() ? NO_STAGE_LABEL : stage;
  }

  /**
   * The entries of {@code dir} in no particular order; empty if it is null, does not exist (or
   * vanished).
   */
  public static List<Path> entries(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(out::add);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return out;
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static boolean isRunId(String name) {
    try {
      Names.requireRunId(name);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean isStageName(String name) {
    try {
      Names.requireStageName(name);
      return true;
    } catch (InvalidNameException e) {
      return false;
    }
  }
}
