package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points the Noether names in {@code checkpoints/} at the stored copies the manifests list, each by
 * a hard link created under a pending name and renamed over the old name, and removes names their
 * tags no longer list. Runs after the commit point, so a failure here never loses a commit: the
 * next commit or cleanup repairs the names.
 */
final class NoetherNameLinks {
  private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);

  private NoetherNameLinks() {}

  /**
   * Links the names of every manifest and deletes stored copies nothing references, logging rather
   * than throwing: {@code committed} is committed whatever happens here.
   */
  static void publish(StageDirectory dir, CheckpointTag committed, Durable durable) {
    try {
      StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
      int changed = link(dir, listing);
      if (changed > 0) {
        durable.syncDirectory(dir.checkpoints());
      }
      StageCleanup.sweepBlobs(dir, listing);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "checkpoint {} of {} is committed, but its file names in {} could not all be updated ({}); "
              + "the next commit or cleanup repairs them",
          committed.token(),
          dir.stage(),
          dir.checkpoints(),
          e.toString());
    }
  }

  /**
   * Makes every manifest's Noether names hard links of its stored copies; returns how many changed.
   */
  static int link(StageDirectory dir, StageListing listing) throws IOException {
    int changed = 0;
    for (CheckpointManifest m : listing.manifests().values()) {
      Set<CheckpointFileName> wanted = new HashSet<>();
      for (CheckpointManifest.Entry entry : m.files()) {
        wanted.add(entry.name());
        Path name = dir.view(entry.name());
        Path blob = dir.blob(entry.blob());
        if (!Files.exists(blob, LinkOption.NOFOLLOW_LINKS)) {
          // A damaged manifest (or a stored copy deleted by hand): nothing to link, and the name
          // may still hold good bytes. Reading the tag reports it; repairing must not stop at it.
          LOG.warn(
              "not linking {}: its manifest {} lists the stored copy {}, which does not exist",
              name,
              dir.manifest(m.tag()),
              blob);
          wanted.addAll(listing.namesByTag().getOrDefault(m.tag(), List.of()));
          continue;
        }
        if (Files.exists(name, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(name, blob)) {
          continue;
        }
        Path temp = StageDirectory.pending(name);
        try {
          Files.createLink(temp, blob);
          Durable.replace(temp, name);
        } catch (IOException | RuntimeException e) {
          Durable.deleteAll(List.of(temp), e);
          throw e;
        }
        changed++;
      }
      for (CheckpointFileName stale : listing.namesByTag().getOrDefault(m.tag(), List.of())) {
        if (!wanted.contains(stale)) {
          Files.deleteIfExists(dir.view(stale));
          changed++;
        }
      }
    }
    return changed;
  }
}
