package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The paths of one stage in the file store:
 *
 * <pre>
 * checkpoints/                                  Noether's names (hard links into .noether/data)
 * checkpoints/.noether/{tag}.manifest           one per tag: its files, sizes, CRC32C (the commit point)
 * checkpoints/.noether/data/{commit}.{name}.blob  the bytes, written once, never modified
 * checkpoints/.noether/lock                     the writer lock, held around each write
 * .{name}.{nonce}.tmp                           pending files in either directory
 * </pre>
 */
final class StageDirectory {
  static final String STORE = ".noether";
  static final String DATA = "data";
  static final String LOCK = "lock";
  static final String MANIFEST_SUFFIX = ".manifest";
  static final String BLOB_SUFFIX = ".blob";
  static final String TEMP_SUFFIX = ".tmp";

  private final StageId stage;
  private final RunLayout layout;

  StageDirectory(Path outputDir, StageId stage) {
    this.stage = stage;
    this.layout = new RunLayout(outputDir, stage);
  }

  StageId stage() {
    return stage;
  }

  Path runDir() {
    return layout.runDir();
  }

  Path stageDir() {
    return layout.stageDir();
  }

  Path checkpoints() {
    return layout.checkpointDir();
  }

  Path store() {
    return checkpoints().resolve(STORE);
  }

  Path data() {
    return store().resolve(DATA);
  }

  Path lockFile() {
    return store().resolve(LOCK);
  }

  /** The Noether-named file of a checkpoint. */
  Path view(CheckpointFileName name) {
    return layout.checkpointFile(name);
  }

  Path manifest(CheckpointTag tag) {
    return store().resolve(tag.token() + MANIFEST_SUFFIX);
  }

  Path blob(String blobName) {
    return data().resolve(blobName);
  }

  /** A fresh blob name for one file of a commit. */
  static String blobName(String commitId, CheckpointFileName name) {
    return commitId + "." + name.format() + BLOB_SUFFIX;
  }

  /** True if {@code name} can be a blob written by this store (no separators, no hidden names). */
  static boolean isBlobName(String name) {
    return name.endsWith(BLOB_SUFFIX) && !name.startsWith(".") && name.indexOf('/') < 0
        && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
  }

  /** The tag a manifest file name stands for, if it is one. */
  static Optional<CheckpointTag> manifestTag(String fileName) {
    if (!fileName.endsWith(MANIFEST_SUFFIX) || fileName.startsWith(".")) {
      return Optional.empty();
    }
    String token = fileName.substring(0, fileName.length() - MANIFEST_SUFFIX.length());
    try {
      CheckpointTag tag = CheckpointTag.parse(token);
      return tag.token().equals(token) ? Optional.of(tag) : Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  /** A pending name next to {@code target}; hidden and ignored by every listing. */
  static Path pending(Path target) {
    return target.resolveSibling("." + target.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + TEMP_SUFFIX);
  }

  static boolean isPending(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX);
  }

  /**
   * Directories Noether in Python keeps directly in a run trained without a stage, next to its
   * {@code checkpoints/}: its tracker's files and the link to the run it was resumed from.
   */
  private static final Set<String> STAGELESS_RUN_DIRECTORIES = Set.of(RunLayout.CHECKPOINTS, "tracker", "ancestor");

  /**
   * The stages of a run directory, sorted: its stage directories and, if the run holds a
   * {@code checkpoints/} directory itself (Noether in Python without {@code stage_name}),
   * {@link StageId#NO_STAGE} first. In such a run, {@code checkpoints}, {@code tracker} and
   * {@code ancestor} are that run's own directories, not stages, unless one is a real directory
   * with a {@code checkpoints/} of its own.
   */
  static List<String> stagesOf(Path runDir) throws IOException {
    boolean stageless = Files.isDirectory(runDir.resolve(RunLayout.CHECKPOINTS));
    List<String> stages = new ArrayList<>();
    for (Path p : entries(runDir)) {
      String name = p.getFileName().toString();
      if (!Files.isDirectory(p) || !isStageName(name)) {
        continue;
      }
      if (stageless && STAGELESS_RUN_DIRECTORIES.contains(name)
          && (Files.isSymbolicLink(p) || !Files.isDirectory(p.resolve(RunLayout.CHECKPOINTS)))) {
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

  /** Stage names for messages: {@code (no stage), finetune, train}. */
  static String describeStages(List<String> stages) {
    return stages.stream().map(s -> s.isEmpty() ? NO_STAGE_LABEL : s).collect(Collectors.joining(", "));
  }

  /** How the stage of a run without stages is shown. */
  static final String NO_STAGE_LABEL = "(no stage)";

  private static boolean isStageName(String name) {
    try {
      Names.requireStageName(name);
      return true;
    } catch (InvalidNameException e) {
      return false;
    }
  }

  /** The entries of {@code dir} in no particular order; empty if it does not exist (or vanished). */
  static List<Path> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
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
}
