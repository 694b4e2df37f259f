package ai.noether.core.store;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.core.layout.RunDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs what an interrupted writer left in a stage of the file store: pending files, stored
 * copies no manifest references, and Noether names that are not the bytes their manifests list.
 * Runs under the stage's writer lock, so every pending file it finds is left over from a writer
 * that died (a live writer would hold the lock). Remembers the stages it cleaned, so that a store
 * cleans each stage once before its first write.
 */
final class StageCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);

  private final Durable durable;
  private final Set<Path> cleanedStages = ConcurrentHashMap.newKeySet();

  StageCleanup(Durable durable) {
    this.durable = durable;
  }

  /** Cleans the stage unless this store cleaned it before; the caller holds the writer lock. */
  void once(StageDirectory dir) throws IOException {
    if (!cleanedStages.contains(dir.checkpoints())) {
      run(dir);
      cleanedStages.add(dir.checkpoints());
    }
  }

  /** Records that the stage was cleaned, so that its next write does not clean it again. */
  void markCleaned(StageDirectory dir) {
    cleanedStages.add(dir.checkpoints());
  }

  /** Cleans the stage; the caller holds the writer lock. */
  CleanupReport run(StageDirectory dir) throws IOException {
    int temporaries = 0;
    for (Path d : List.of(dir.checkpoints(), dir.store(), dir.data())) {
      for (Path p : RunDirectories.entries(d)) {
        if (StageDirectory.isPending(p.getFileName().toString())
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          temporaries += Files.deleteIfExists(p) ? 1 : 0;
        }
      }
    }
    StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
    int names = NoetherNameLinks.link(dir, listing);
    if (names > 0) {
      durable.syncDirectory(dir.checkpoints());
    }
    int blobs = sweepBlobs(dir, listing);
    CleanupReport report = new CleanupReport(temporaries, blobs, names);
    if (!report.isClean()) {
      LOG.info(
          "cleaned up after an interrupted writer in {}: {} pending files and {} unreferenced stored files "
              + "deleted, {} file names repaired",
          dir.checkpoints(),
          temporaries,
          blobs,
          names);
    }
    return report;
  }

  /**
   * Deletes stored copies that no manifest references; returns how many. Deletes nothing while a
   * manifest cannot be read, since it may reference any of them.
   */
  static int sweepBlobs(StageDirectory dir, StageListing listing) throws IOException {
    if (!listing.unreadable().isEmpty()) {
      LOG.warn(
          "not deleting unreferenced stored files of {}: the manifests of {} cannot be read",
          dir.stage(),
          listing.unreadable().keySet().stream().map(CheckpointTag::token).toList());
      return 0;
    }
    Set<String> referenced = CommittedFiles.referencedBlobs(listing.manifests().values());
    int deleted = 0;
    for (Path blob : RunDirectories.entries(dir.data())) {
      if (!referenced.contains(blob.getFileName().toString()) && Files.deleteIfExists(blob)) {
        deleted++;
      }
    }
    return deleted;
  }
}
