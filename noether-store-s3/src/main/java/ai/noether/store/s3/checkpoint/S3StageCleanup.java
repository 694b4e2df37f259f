package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.core.store.CommittedFiles;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what an interrupted writer left in a stage of the bucket (unfinished multipart uploads,
 * data objects no manifest lists) and, after each commit, the data objects no manifest lists any
 * more. Callers hold the stage's in-process lock. Remembers the stages it repaired, so that a store
 * repairs each stage once before its first write.
 */
final class S3StageCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStore.class);

  private final ObjectLayer objects;
  private final S3Manifests manifests;
  private final S3VerifiedReads reads;
  private final Set<StageId> repairedStages = ConcurrentHashMap.newKeySet();

  S3StageCleanup(ObjectLayer objects, S3Manifests manifests, S3VerifiedReads reads) {
    this.objects = objects;
    this.manifests = manifests;
    this.reads = reads;
  }

  /** Repairs the stage and remembers it. */
  void repair(StageId stage) throws IOException {
    int uploads = objects.abortUnfinishedUploads(S3StageKeys.checkpoints(stage), Duration.ZERO);
    int orphans = sweep(stage);
    if (uploads + orphans > 0) {
      LOG.info(
          "cleaned up after an interrupted writer in {}: {} unfinished uploads aborted and {} data objects "
              + "without a manifest deleted",
          S3StageKeys.url(objects, stage),
          uploads,
          orphans);
    }
    repairedStages.add(stage);
  }

  /** Repairs the stage unless this store repaired it before. */
  void once(StageId stage) throws IOException {
    if (!repairedStages.contains(stage)) {
      repair(stage);
    }
  }

  /**
   * Sweeps after a commit, logging rather than throwing: {@code committed} is committed whatever
   * happens here.
   */
  void sweepQuietly(StageId stage, CheckpointTag committed) {
    try {
      sweep(stage);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "checkpoint {} of {} is committed, but data objects no longer needed could not all be deleted ({}); "
              + "the next writer's repair deletes them",
          committed.token(),
          stage,
          e.toString());
    }
  }

  /**
   * Deletes the stage's data objects no manifest lists; returns how many. Deletes nothing while a
   * manifest cannot be read, since it may list any of them.
   */
  int sweep(StageId stage) throws IOException {
    S3Manifests.Listing listing = manifests.scan(stage);
    if (!listing.unreadable().isEmpty()) {
      LOG.warn(
          "not deleting unreferenced data objects of {}: the manifests of {} cannot be read",
          stage,
          listing.unreadable().keySet().stream().map(CheckpointTag::token).toList());
      return 0;
    }
    Set<String> referenced = CommittedFiles.referencedBlobs(listing.manifests().values());
    int deleted = 0;
    String data = S3StageKeys.dataDir(stage);
    String dataKey = objects.location().key(data);
    for (StoredObject o : objects.list(data)) {
      String blob = o.key().substring(dataKey.length());
      if (!referenced.contains(blob)) {
        objects.delete(data + blob);
        reads.forget(data + blob);
        deleted++;
      }
    }
    return deleted;
  }
}
