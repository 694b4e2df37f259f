package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.InsufficientSpaceException;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The free-space rule of the file store: a commit needs its files' bytes plus a margin for
 * manifests, directory entries and file-system blocks, checked before anything is written, and a
 * disk that fills up during the commit is reported with the same figures.
 */
final class StageSpace {
  /**
   * Room kept free beyond a checkpoint's bytes: manifests, directory entries, file-system blocks.
   */
  static final long MARGIN = 256 * 1024;

  private StageSpace() {}

  /**
   * The usable bytes of the stage's file system.
   *
   * @throws InsufficientSpaceException if {@code needed} bytes and the margin do not fit; nothing
   *     has been written then
   */
  static long require(StageDirectory dir, CheckpointTag tag, long needed) throws IOException {
    long available = Files.getFileStore(dir.data()).getUsableSpace();
    if (needed + MARGIN > available) {
      throw new InsufficientSpaceException(
          "not enough free space for checkpoint "
              + tag.token()
              + " of "
              + dir.stage()
              + ": it needs "
              + ByteSizes.human(needed)
              + " (plus "
              + ByteSizes.human(MARGIN)
              + " for metadata) but only "
              + ByteSizes.human(available)
              + " are free in "
              + dir.checkpoints()
              + ". Nothing was written and earlier checkpoints are intact; free some space or set output_dir "
              + "to a larger disk.",
          needed,
          available,
          needed + MARGIN,
          null);
    }
    return available;
  }

  /**
   * The error for a disk that filled up while the commit wrote; its partial files are gone by then.
   */
  static InsufficientSpaceException filledUp(
      StageDirectory dir, CheckpointTag tag, long needed, long available, Throwable cause) {
    return new InsufficientSpaceException(
        "the disk filled up while checkpoint "
            + tag.token()
            + " of "
            + dir.stage()
            + " was written to "
            + dir.checkpoints()
            + ": it needs "
            + ByteSizes.human(needed)
            + "; "
            + ByteSizes.human(available)
            + " were free when the commit started, so something else is using the disk too. Its partial files "
            + "were removed and earlier checkpoints are intact; free some space or set output_dir to a larger disk.",
        needed,
        available,
        needed + MARGIN,
        cause);
  }
}
