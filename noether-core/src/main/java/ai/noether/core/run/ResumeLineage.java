package ai.noether.core.run;

import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.checkpoint.TrainerStateFile;
import ai.noether.core.resume.LoadedCheckpoint;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a resumed stage records about where it came from: the lineage entry its trainer saves with
 * every checkpoint, and {@code latest} of its stage pointing at the checkpoint it continues.
 */
final class ResumeLineage {
  // The messages keep the logger users know them by.
  private static final Logger LOG = LoggerFactory.getLogger(StageAssembly.class);

  private ResumeLineage() {}

  /**
   * Where this run came from. The tag is the one the checkpoint was committed under, read from its
   * trainer file, not the alias it was selected by: {@code latest} moves on with every save, while
   * {@code E1_U24_S376.signal} keeps naming the same state.
   */
  static Map<String, Object> entry(LoadedCheckpoint from) {
    StoredCheckpoint cp = from.stored();
    return TrainerStateFile.lineageEntry(
        cp.stage(),
        StageStart.savedState(from).checkpointTag().orElse(cp.tag().token()),
        from.iteration(),
        checksum(cp),
        Instant.now());
  }

  /**
   * CRC32C of the checkpoint's files, combined in file order; identifies the exact bytes resumed.
   */
  static String checksum(StoredCheckpoint cp) {
    StringBuilder sb = new StringBuilder("crc32c:");
    for (StoredFile f : cp.files()) {
      if (!f.hasChecksum()) {
        return "none (checkpoint without store checksums)";
      }
      sb.append(f.name().kind().suffix())
          .append('=')
          .append(String.format("%08x", f.crc32c()))
          .append(',');
    }
    return sb.substring(0, sb.length() - 1);
  }

  /**
   * A stage resumed in place from an older checkpoint continues from there, so {@code latest} must
   * say so before anything else happens: otherwise a crash before the first new save would leave
   * {@code latest} on the abandoned continuation, and a plain resume would pick it up.
   */
  static void pointLatestAtResumedCheckpoint(
      CheckpointStore store, StageId stage, LoadedCheckpoint resumedFrom) throws IOException {
    StoredCheckpoint from = resumedFrom.stored();
    Optional<String> committed = StageStart.savedState(resumedFrom).checkpointTag();
    if (!from.stage().equals(stage) || committed.isEmpty()) {
      return;
    }
    CheckpointTag tag = CheckpointTag.parse(committed.get());
    if (!tag.isAlias()) {
      try {
        // Cheap when latest is there already: one small manifest, no data.
        store.alias(stage, tag, Set.of(CheckpointTag.LATEST));
        LOG.info(
            "latest of {} now points at {}: the stage continues from there", stage, tag.token());
      } catch (CheckpointNotFoundException e) {
        // A checkpoint the store did not commit itself (written by Noether in Python).
        LOG.warn("could not point latest of {} at {}: {}", stage, tag.token(), e.getMessage());
      }
    }
  }
}
