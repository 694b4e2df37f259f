package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InvalidNameException;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The file store's own paths inside one stage's {@code checkpoints/} (the stage's directories
 * themselves are {@link RunLayout}'s, which this class asks):
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
    return name.endsWith(BLOB_SUFFIX)
        && !name.startsWith(".")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0
        && name.indexOf('\0') < 0;
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
    return target.resolveSibling(
        "."
            + target.getFileName()
            + "."
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
            + TEMP_SUFFIX);
  }

  static boolean isPending(String fileName) {
    return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX);
  }
}
