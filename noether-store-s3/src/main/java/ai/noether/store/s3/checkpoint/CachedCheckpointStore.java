package ai.noether.store.s3.checkpoint;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 store with a local cache tier ({@code cache_dir}): a save lands in a {@link
 * FileCheckpointStore} on local disk first, with all its guarantees, and is uploaded to the bucket
 * in the background, in the order saves, aliases and deletes were made. Reads take, per tag, the
 * newer of the two tiers (the local one on a tie): a resume on the same machine reads from local
 * disk, also a checkpoint whose upload a crash interrupted; on another machine, with an empty
 * cache, everything comes from the bucket. Every read is verified by the tier it comes from.
 *
 * <p>When the stage's writer starts ({@link #repair}), checkpoints the cache holds and the bucket
 * lacks (or holds older) are uploaded again, so a crash between a save and its upload loses nothing
 * that the machine's disk still has. {@link #close} waits for every upload.
 */
public final class CachedCheckpointStore implements CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CachedCheckpointStore.class);

  private final FileCheckpointStore local;
  private final S3CheckpointStore remote;
  private final CacheUploadQueue uploads;

  public CachedCheckpointStore(FileCheckpointStore local, S3CheckpointStore remote) {
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.uploads = new CacheUploadQueue(remote.location());
  }

  /** The bucket tier. */
  public S3CheckpointStore remote() {
    return remote;
  }

  /** The local tier. */
  public FileCheckpointStore local() {
    return local;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing: local first, the bucket in the background

  @Override
  public StoredCheckpoint commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    StoredCheckpoint committed = local.commit(stage, tag, iteration, files, aliases);
    Set<CheckpointTag> moved = new LinkedHashSet<>(aliases);
    uploads.enqueue(
        stage,
        tags(tag, moved),
        "upload of " + committed.describe() + " of " + stage,
        () -> upload(committed, moved));
    return committed;
  }

  @Override
  public StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliases)
      throws IOException {
    StoredCheckpoint primary = local.alias(stage, target, aliases);
    Set<CheckpointTag> moved = Set.copyOf(aliases);
    uploads.enqueue(
        stage,
        moved,
        "moving " + moved + " of " + stage + " to " + target.token(),
        () -> {
          if (remote.list(stage).stream()
              .noneMatch(c -> c.tag().equals(target) && NewerTier.sameContent(c, primary))) {
            upload(primary, Set.of());
          }
          remote.alias(stage, target, moved);
        });
    return primary;
  }

  @Override
  public void delete(StageId stage, CheckpointTag tag) throws IOException {
    local.delete(stage, tag);
    uploads.enqueue(
        stage,
        Set.of(tag),
        "deletion of " + tag.token() + " of " + stage,
        () -> remote.delete(stage, tag));
  }

  /** Uploads a committed local checkpoint, reading its files back verified from the cache. */
  private void upload(StoredCheckpoint committed, Set<CheckpointTag> aliases) throws IOException {
    StoredCheckpoint current =
        local.list(committed.stage()).stream()
            .filter(c -> c.tag().equals(committed.tag()))
            .findFirst()
            .orElse(null);
    if (current == null || !NewerTier.sameContent(current, committed)) {
      // Replaced or deleted in the cache before its turn came: the newer state follows in the
      // queue.
      LOG.debug(
          "not uploading {} of {}: it changed in the cache before its upload",
          committed.describe(),
          committed.stage());
      return;
    }
    List<CheckpointFile> files = new ArrayList<>();
    for (StoredFile f : current.files()) {
      files.add(new CachedFile(local, current, f));
    }
    remote.commit(committed.stage(), committed.tag(), committed.iteration(), files, aliases);
  }

  /** Waits until every upload queued so far has finished (or failed, which is logged). */
  public void flush() throws IOException {
    uploads.flush();
  }

  /** The failure of the most recent upload that failed, if any (tests, status). */
  public Optional<Throwable> lastUploadFailure() {
    return uploads.lastFailure();
  }

  private static Set<CheckpointTag> tags(CheckpointTag tag, Set<CheckpointTag> aliases) {
    Set<CheckpointTag> all = new LinkedHashSet<>(aliases);
    all.add(tag);
    return all;
  }

  @Override
  public StageClaim claim(StageId stage, StageWriter writer) throws IOException {
    // The lease lives in the bucket, where a writer on any machine sees it. It is given up only
    // once
    // the uploads queued so far are done, so that the next writer finds the bucket complete.
    StageClaim lease = remote.claim(stage, writer);
    return new StageClaim() {
      @Override
      public StageId stage() {
        return stage;
      }

      @Override
      public void close() throws IOException {
        try {
          flush();
        } finally {
          lease.close();
        }
      }
    };
  }

  /**
   * Repairs both tiers, then queues the upload of every checkpoint the cache holds newer than the
   * bucket (a crash came between a save and its upload), aliases after the tags they point at.
   */
  @Override
  public void repair(StageId stage) throws IOException {
    local.repair(stage);
    remote.repair(stage);
    List<StoredCheckpoint> cached = local.list(stage);
    List<StoredCheckpoint> inBucket = remote.list(stage);
    for (StoredCheckpoint c : NewerTier.notUploaded(cached, inBucket)) {
      uploads.enqueue(
          stage,
          Set.of(c.tag()),
          "upload of " + c.describe() + " of " + stage + " left by an interrupted run",
          () -> upload(c, Set.of()));
    }
    NewerTier.aliasesNotMoved(cached, inBucket)
        .forEach(
            (alias, target) ->
                uploads.enqueue(
                    stage,
                    Set.of(alias),
                    "moving " + alias.token() + " of " + stage,
                    () -> remote.alias(stage, target, Set.of(alias))));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading: the newer tier per tag

  @Override
  public List<StoredCheckpoint> list(StageId stage) throws IOException {
    return contents(stage).checkpoints();
  }

  @Override
  public StageContents contents(StageId stage) throws IOException {
    Set<CheckpointTag> queued = uploads.pending(stage);
    return NewerTier.merge(stage, local.contents(stage), remote.contents(stage), queued);
  }

  /** The local copy when the cache holds exactly these bytes, else the bucket's. */
  @Override
  public SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    if (inCache(checkpoint)) {
      try {
        return local.open(checkpoint, file);
      } catch (CheckpointNotFoundException replacedMeanwhile) {
        // fall through to the bucket
      }
    }
    return remote.open(checkpoint, file);
  }

  @Override
  public ByteBuffer read(StoredCheckpoint checkpoint, StoredFile file, long offset, int length)
      throws IOException {
    return inCache(checkpoint)
        ? local.read(checkpoint, file, offset, length)
        : remote.read(checkpoint, file, offset, length);
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) throws IOException {
    if (inCache(checkpoint)) {
      local.verify(checkpoint);
    } else {
      remote.verify(checkpoint);
    }
  }

  private boolean inCache(StoredCheckpoint checkpoint) throws IOException {
    return local.list(checkpoint.stage()).stream()
        .anyMatch(c -> c.tag().equals(checkpoint.tag()) && NewerTier.sameContent(c, checkpoint));
  }

  @Override
  public List<CheckpointTag> sharing(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    return inCache(checkpoint) ? local.sharing(checkpoint, file) : remote.sharing(checkpoint, file);
  }

  @Override
  public boolean exists(StageId stage) throws IOException {
    return remote.exists(stage) || local.exists(stage);
  }

  @Override
  public String location() {
    return remote.location();
  }

  @Override
  public String location(StageId stage) {
    return remote.location(stage);
  }

  @Override
  public String location(StoredCheckpoint checkpoint, StoredFile file) {
    return remote.location(checkpoint, file);
  }

  @Override
  public List<String> runs() throws IOException {
    Set<String> runs = new TreeSet<>(remote.runs());
    runs.addAll(local.runs());
    return new ArrayList<>(runs);
  }

  @Override
  public List<String> stages(String runId) throws IOException {
    Set<String> stages = new TreeSet<>();
    CheckpointNotFoundException missing = null;
    for (CheckpointStore tier : List.of(remote, local)) {
      try {
        stages.addAll(tier.stages(runId));
      } catch (CheckpointNotFoundException e) {
        missing = missing == null ? e : missing;
      }
    }
    if (stages.isEmpty()) {
      throw missing != null
          ? new CheckpointNotFoundException(
              missing.getMessage().replace(local.location(), location()))
          : new CheckpointNotFoundException(
              "run '" + runId + "' does not exist in output_dir " + location());
    }
    return new ArrayList<>(stages);
  }

  /** Waits for every queued upload, then closes both tiers. */
  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      uploads.shutdown();
      try {
        local.close();
      } finally {
        remote.close();
      }
    }
  }
}
