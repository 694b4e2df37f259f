package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.resume.CheckpointResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tier a reader of the cached store gets for each tag: the newer of the two, the local one on
 * a tie, and the local one for every tag whose upload is still queued.
 */
final class NewerTier {
  private NewerTier() {}

  /**
   * The stage as a reader sees it.
   *
   * @param queued tags with work for the bucket still queued: the bucket's state of them is old
   */
  static StageContents merge(
      StageId stage, StageContents near, StageContents far, Set<CheckpointTag> queued) {
    Map<CheckpointTag, StoredCheckpoint> merged = new LinkedHashMap<>(byTag(far.checkpoints()));
    merged.keySet().removeAll(queued);
    for (StoredCheckpoint c : near.checkpoints()) {
      StoredCheckpoint b = merged.get(c.tag());
      if (b == null || b.iteration().compareTo(c.iteration()) <= 0) {
        merged.put(c.tag(), c);
      }
    }
    Map<CheckpointTag, CorruptCheckpointException> unreadable = new HashMap<>(far.unreadable());
    unreadable.putAll(near.unreadable());
    merged.keySet().forEach(unreadable::remove);
    Set<CheckpointTag> unknown = new HashSet<>(near.iterationUnknown());
    unknown.retainAll(merged.keySet());
    List<StoredCheckpoint> out = new ArrayList<>(merged.values());
    out.sort(CheckpointResolver.ORDER);
    return new StageContents(stage, out, unknown, unreadable);
  }

  static Map<CheckpointTag, StoredCheckpoint> byTag(List<StoredCheckpoint> checkpoints) {
    Map<CheckpointTag, StoredCheckpoint> out = new LinkedHashMap<>();
    checkpoints.forEach(c -> out.put(c.tag(), c));
    return out;
  }

  /**
   * Same iteration and the same bytes under the same file names, whatever tag each is listed under.
   */
  static boolean sameContent(StoredCheckpoint a, StoredCheckpoint b) {
    return a.iteration().equals(b.iteration()) && untagged(a).equals(untagged(b));
  }

  private static List<StoredFile> untagged(StoredCheckpoint c) {
    return c.files().stream()
        .map(f -> new StoredFile(f.name().withTag(CheckpointTag.LATEST), f.size(), f.crc32c()))
        .toList();
  }
}
