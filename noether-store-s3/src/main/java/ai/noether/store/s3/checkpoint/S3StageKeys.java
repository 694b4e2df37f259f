package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.core.store.CheckpointManifest;
import ai.noether.store.s3.ObjectLayer;

/**
 * The names of a stage's objects in the bucket, relative to the location's prefix, laid out as the
 * file store lays out a directory: {@code
 * {run_id}/{stage_name}/checkpoints/.noether/{tag}.manifest} and {@code
 * .../.noether/data/{commit}.{name}.blob}; and their URLs for messages.
 */
final class S3StageKeys {
  /** The store's own directory inside {@code checkpoints/}. */
  static final String STORE = ".noether/";

  private static final String DATA = "data/";

  private S3StageKeys() {}

  /** {@code run/stage/checkpoints/}, or {@code run/checkpoints/} for a run without stages. */
  static String checkpoints(StageId stage) {
    return RunLayout.checkpointPrefix(stage);
  }

  static String storeDir(StageId stage) {
    return checkpoints(stage) + STORE;
  }

  static String dataDir(StageId stage) {
    return storeDir(stage) + DATA;
  }

  static String manifest(StageId stage, CheckpointTag tag) {
    return storeDir(stage) + CheckpointManifest.fileName(tag);
  }

  /** {@code s3://bucket/prefix/run/stage/checkpoints}. */
  static String url(ObjectLayer objects, StageId stage) {
    String c = checkpoints(stage);
    return objects.url(c.substring(0, c.length() - 1));
  }

  /** {@code s3://bucket/prefix/run/stage/checkpoints/{file name}}: where users look for it. */
  static String url(ObjectLayer objects, StoredCheckpoint checkpoint, StoredFile file) {
    return url(objects, checkpoint.stage()) + "/" + file.name().format();
  }
}
