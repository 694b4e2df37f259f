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

  private static Map<CheckpointTag, StoredCheckpoint> byTag(List<StoredCheckpoint> checkpoints) {
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

  /**
   * The checkpoints the cache holds, with checksums, that the bucket lacks or holds older (a crash
   * came between their save and their upload), in the cache's order; aliases are not among them.
   */
  static List<StoredCheckpoint> notUploaded(
      List<StoredCheckpoint> cached, List<StoredCheckpoint> inBucket) {
    Map<CheckpointTag, StoredCheckpoint> bucket = byTag(inBucket);
    List<StoredCheckpoint> out = new ArrayList<>();
    for (StoredCheckpoint c : cached) {
      StoredCheckpoint b = bucket.get(c.tag());
      if (c.tag().isAlias() || !c.files().stream().allMatch(StoredFile::hasChecksum)) {
        continue;
      }
      if (b == null || b.iteration().compareTo(c.iteration()) < 0) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * The aliases the cache holds newer than the bucket, each with the tag of the cached checkpoint
   * it points at (same iteration and bytes), in the cache's order; an alias whose target the cache
   * no longer holds is left out.
   */
  static Map<CheckpointTag, CheckpointTag> aliasesNotMoved(
      List<StoredCheckpoint> cached, List<StoredCheckpoint> inBucket) {
    Map<CheckpointTag, StoredCheckpoint> bucket = byTag(inBucket);
    Map<CheckpointTag, CheckpointTag> out = new LinkedHashMap<>();
    for (StoredCheckpoint alias : cached) {
      StoredCheckpoint b = bucket.get(alias.tag());
      if (!alias.tag().isAlias() || b != null && b.iteration().compareTo(alias.iteration()) >= 0) {
        continue;
      }
      cached.stream()
          .filter(c -> !c.tag().isAlias() && sameContent(c, alias))
          .findFirst()
          .ifPresent(target -> out.put(alias.tag(), target.tag()));
    }
    return out;
  }
}
