package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.store.CheckpointManifest;
import ai.noether.core.store.CommitRules;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A commit without rename: every file is uploaded as a new data object that nothing refers to yet,
 * then the tag's manifest is written (the commit point), then each alias manifest is moved. Before
 * the commit point a failure deletes what was uploaded; what a failure leaves (the server is gone)
 * goes at the next writer's repair.
 */
final class S3ManifestCommit {
  private final ObjectLayer objects;
  private final S3Manifests manifests;

  S3ManifestCommit(ObjectLayer objects, S3Manifests manifests) {
    this.objects = objects;
    this.manifests = manifests;
  }

  /**
   * Uploads the files and writes the tag's manifest, then its aliases'.
   *
   * @return the tag's manifest
   */
  CheckpointManifest commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    Instant committedAt = Instant.now();
    String commitId = CommitRules.newCommitId(committedAt);
    List<String> uploaded = new ArrayList<>();
    CheckpointManifest primary;
    try {
      List<CheckpointManifest.Entry> entries = new ArrayList<>();
      for (CheckpointFile file : files) {
        String blob = CheckpointManifest.blobName(commitId, file.name());
        String name = S3StageKeys.dataDir(stage) + blob;
        StoredObject stored =
            objects.upload(
                name,
                file.size(),
                channel -> {
                  ExactSizeChannel exact = new ExactSizeChannel(channel, file);
                  file.writeTo(exact);
                  exact.requireComplete();
                });
        uploaded.add(name);
        entries.add(
            new CheckpointManifest.Entry(
                file.name(),
                blob,
                stored.size(),
                stored
                    .crc32c()
                    .orElseThrow(
                        () -> new IllegalStateException("the object layer returned no CRC32C"))));
      }
      primary = new CheckpointManifest(tag, null, iteration, committedAt, entries);
      manifests.write(stage, primary);
    } catch (IOException | RuntimeException | Error e) {
      // Before the commit point: nothing refers to the uploaded objects. Remove them now; what a
      // failure leaves (the server is gone) goes at the next writer's repair.
      for (String name : uploaded) {
        try {
          objects.delete(name);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    moveAliases(stage, primary, aliases);
    return primary;
  }

  /** Points {@code aliases} at {@code primary}, each manifest by compare-and-swap. */
  void moveAliases(StageId stage, CheckpointManifest primary, Set<CheckpointTag> aliases) {
    for (CheckpointTag alias : aliases) {
      manifests.write(stage, primary.asAlias(alias));
    }
  }
}
