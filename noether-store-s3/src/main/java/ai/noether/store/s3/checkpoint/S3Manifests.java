package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.store.CheckpointManifest;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.S3ChecksumMismatchException;
import ai.noether.store.s3.S3ObjectNotFoundException;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes a stage's manifests in the bucket. A manifest is written create-only, or over
 * the existing one by compare-and-swap on the ETag just read, so that it never overwrites a
 * manifest it did not see; it is read verified against the checksum in its metadata and its own.
 */
final class S3Manifests {
  private final ObjectLayer objects;

  S3Manifests(ObjectLayer objects) {
    this.objects = objects;
  }

  /** One read of a stage's manifests. */
  record Listing(
      Map<CheckpointTag, CheckpointManifest> manifests,
      Map<CheckpointTag, CorruptCheckpointException> unreadable,
      StageId stage) {
    /** The committed checkpoints, in {@link CheckpointResolver#ORDER}. */
    List<StoredCheckpoint> checkpoints() {
      List<StoredCheckpoint> out = new ArrayList<>();
      manifests.values().forEach(m -> out.add(m.toStored(stage)));
      out.sort(CheckpointResolver.ORDER);
      return out;
    }
  }

  /** Reads every manifest of the stage; those that cannot be trusted are listed as unreadable. */
  Listing scan(StageId stage) throws IOException {
    String dir = S3StageKeys.storeDir(stage);
    String dirKey = objects.location().key(dir);
    Map<CheckpointTag, CheckpointManifest> manifests = new LinkedHashMap<>();
    Map<CheckpointTag, CorruptCheckpointException> unreadable = new LinkedHashMap<>();
    for (StoredObject o : objects.list(dir)) {
      String rest = o.key().substring(dirKey.length());
      if (rest.contains("/")) {
        continue; // a data object
      }
      Optional<CheckpointTag> tag = CheckpointManifest.tagOf(rest);
      if (tag.isEmpty()) {
        continue;
      }
      try {
        manifests.put(tag.get(), read(stage, tag.get()));
      } catch (S3ObjectNotFoundException gone) {
        // Deleted between the listing and the read: the tag is gone.
      } catch (CorruptCheckpointException e) {
        unreadable.put(tag.get(), e);
      }
    }
    return new Listing(manifests, unreadable, stage);
  }

  /**
   * @throws S3ObjectNotFoundException if the tag has no manifest
   * @throws CorruptCheckpointException if the manifest cannot be trusted
   */
  CheckpointManifest read(StageId stage, CheckpointTag tag) throws IOException {
    String name = S3StageKeys.manifest(stage, tag);
    byte[] bytes;
    try {
      bytes = objects.readBytes(name);
    } catch (S3ChecksumMismatchException e) {
      throw new CorruptCheckpointException(
          "checkpoint manifest " + objects.url(name) + " cannot be trusted: " + e.getMessage(), e);
    }
    return CheckpointManifest.parse(bytes, objects.url(name), tag);
  }

  /**
   * Writes a manifest create-only, or over the existing one by compare-and-swap on the ETag just
   * read, so that it never overwrites a manifest it did not see.
   */
  void write(StageId stage, CheckpointManifest manifest) {
    String name = S3StageKeys.manifest(stage, manifest.tag());
    byte[] json = manifest.toJson();
    Optional<StoredObject> current = objects.head(name);
    if (current.isEmpty()) {
      objects.putIfAbsent(name, json);
    } else {
      objects.putIfMatch(name, json, current.get().etag());
    }
  }
}
