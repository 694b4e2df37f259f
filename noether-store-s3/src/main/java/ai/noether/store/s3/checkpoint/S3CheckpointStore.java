package ai.noether.store.s3.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.store.CheckpointManifest;
import ai.noether.core.store.CommitRules;
import ai.noether.core.store.CommittedFiles;
import ai.noether.core.store.RunNotFound;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.S3StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link CheckpointStore} in an S3-compatible bucket, laid out as the file store lays out a
 * directory, under the location's prefix:
 *
 * <pre>
 * {prefix}{run_id}/{stage_name}/checkpoints/.noether/{tag}.manifest           one per tag, latest and last included
 * {prefix}{run_id}/{stage_name}/checkpoints/.noether/data/{commit}.{name}.blob the files' bytes, written once
 * {prefix}.noether/leases/{run_id}/{stage_name}.lease                          the stage's writer lease
 * </pre>
 *
 * <p><b>Commit without rename.</b> Every file is uploaded (multipart above one part, its CRC32C
 * computed on the way) as a new data object that nothing refers to yet; then the tag's manifest
 * (the file store's format, version 2 with {@code manifest_crc32c}) is written create-only, or,
 * when the tag exists ({@code best.*} improving, an iteration committed again after a crash), by
 * compare-and-swap on the ETag read before: that write is the commit point. Then each alias
 * manifest ({@code latest}, {@code last}) is moved by compare-and-swap, and data objects no
 * manifest lists any more are deleted. A reader trusts only manifests, so at any instant it sees
 * the old state or the complete new checkpoint; a crash leaves at most data objects without a
 * manifest and unfinished multipart uploads, which {@link #repair} removes when the next writer
 * starts.
 *
 * <p><b>Reading.</b> {@link #open} reads the tag's manifest again, downloads the data object to a
 * temporary local file while computing its CRC32C, compares size and checksum with the manifest,
 * and hands out a read-only {@link FileChannel} over it (the file is deleted as it is opened, so
 * nothing is left behind however the reader ends). Ranges of a file verified whole once by this
 * store are read with ranged GETs.
 *
 * <p><b>Writers.</b> One writer per stage: commits, deletes and repairs of a stage are serialised
 * within the JVM, and training processes hold the stage's lease ({@link #claim}).
 */
public final class S3CheckpointStore implements CheckpointStore {
  private final ObjectLayer objects;
  private final Duration leaseDuration;
  private final Map<StageId, Object> stageLocks = new ConcurrentHashMap<>();
  private final S3Manifests manifests;
  private final S3ManifestCommit commits;
  private final S3VerifiedReads reads;
  private final S3StageCleanup cleanup;

  /**
   * A store over {@code objects}, which it closes with itself.
   *
   * @param leaseDuration how long a writer lease lasts without renewal
   * @param spoolDir where opened files are downloaded to; null for the system's temporary directory
   */
  public S3CheckpointStore(ObjectLayer objects, Duration leaseDuration, @Nullable Path spoolDir) {
    this.objects = Objects.requireNonNull(objects, "objects");
    this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
    this.manifests = new S3Manifests(objects);
    this.commits = new S3ManifestCommit(objects, manifests);
    this.reads = new S3VerifiedReads(objects, manifests, spoolDir);
    this.cleanup = new S3StageCleanup(objects, manifests, reads);
  }

  /** The object layer this store writes through. */
  public ObjectLayer objects() {
    return objects;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  @Override
  public StoredCheckpoint commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    Objects.requireNonNull(stage, "stage");
    CommitRules.requireCommittable(tag, iteration, files, aliases);
    synchronized (lock(stage)) {
      cleanup.once(stage);
      CheckpointManifest primary;
      try {
        primary = commits.commit(stage, tag, iteration, files, new LinkedHashSet<>(aliases));
      } catch (S3StoreException e) {
        throw new IOException(
            "checkpoint "
                + tag.token()
                + " of "
                + stage
                + " was not committed to "
                + location(stage)
                + ": "
                + e.getMessage()
                + " Earlier checkpoints are intact.",
            e);
      }
      cleanup.sweepQuietly(stage, tag);
      return primary.toStored(stage);
    }
  }

  @Override
  public StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliases)
      throws IOException {
    Objects.requireNonNull(stage, "stage");
    CommitRules.requireAliasable(target, aliases);
    synchronized (lock(stage)) {
      cleanup.once(stage);
      S3Manifests.Listing listing = manifests.scan(stage);
      CheckpointManifest primary = listing.manifests().get(target);
      if (primary == null || primary.aliasOf() != null) {
        throw CommitRules.notCommitted(stage, target, listing.checkpoints());
      }
      try {
        commits.moveAliases(stage, primary, aliases);
      } catch (S3StoreException e) {
        throw new IOException(
            "could not move "
                + aliases.stream().map(CheckpointTag::token).toList()
                + " of "
                + stage
                + " to "
                + target.token()
                + ": "
                + e.getMessage(),
            e);
      }
      cleanup.sweepQuietly(stage, target);
      return primary.toStored(stage);
    }
  }

  @Override
  public void delete(StageId stage, CheckpointTag tag) throws IOException {
    Objects.requireNonNull(tag, "tag");
    synchronized (lock(stage)) {
      String name = S3StageKeys.manifest(stage, tag);
      if (objects.head(name).isEmpty()) {
        return;
      }
      objects.delete(name);
      cleanup.sweep(stage);
    }
  }

  /**
   * Makes {@code writer} the stage's only writer through a lease object; see {@link S3StageLease}.
   */
  @Override
  public StageClaim claim(StageId stage, StageWriter writer) throws IOException {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(writer, "writer");
    return S3StageLease.acquire(objects, stage, writer, leaseDuration);
  }

  /**
   * Removes what an interrupted writer left in the stage: unfinished multipart uploads and data
   * objects no manifest lists. The stage's writer calls it as it starts, holding the lease, so
   * nothing of a live writer can be under way; every commit runs it once per stage beforehand.
   */
  @Override
  public void repair(StageId stage) throws IOException {
    synchronized (lock(stage)) {
      cleanup.repair(stage);
    }
  }

  private Object lock(StageId stage) {
    return stageLocks.computeIfAbsent(stage, s -> new Object());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public List<StoredCheckpoint> list(StageId stage) throws IOException {
    return manifests.scan(stage).checkpoints();
  }

  @Override
  public StageContents contents(StageId stage) throws IOException {
    S3Manifests.Listing listing = manifests.scan(stage);
    return new StageContents(stage, listing.checkpoints(), Set.of(), listing.unreadable());
  }

  @Override
  public boolean exists(StageId stage) {
    String run = stage.runId() + "/";
    List<String> children = objects.children(run);
    return stage.isStageless()
        ? children.contains(RunLayout.CHECKPOINTS)
        : children.contains(stage.stageName());
  }

  /** {@code s3://bucket/prefix}. */
  @Override
  public String location() {
    String s = objects.location().toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** {@code s3://bucket/prefix/run/stage/checkpoints}. */
  @Override
  public String location(StageId stage) {
    return S3StageKeys.url(objects, stage);
  }

  @Override
  public String location(StoredCheckpoint checkpoint, StoredFile file) {
    return S3StageKeys.url(objects, checkpoint, file);
  }

  @Override
  public SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    return reads.open(checkpoint, file);
  }

  @Override
  public ByteBuffer read(StoredCheckpoint checkpoint, StoredFile file, long offset, int length)
      throws IOException {
    file.requireRange(offset, length, location(checkpoint, file));
    ByteBuffer verified = reads.readVerifiedRange(checkpoint, file, offset, length);
    return verified != null
        ? verified
        : CheckpointStore.super.read(checkpoint, file, offset, length);
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) throws IOException {
    reads.verify(checkpoint);
  }

  @Override
  public List<CheckpointTag> sharing(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    Map<CheckpointTag, CheckpointManifest> byTag = manifests.scan(checkpoint.stage()).manifests();
    return CommittedFiles.sharing(byTag.get(checkpoint.tag()), byTag.values(), file);
  }

  @Override
  public List<String> runs() {
    List<String> runs = new ArrayList<>();
    for (String child : objects.children("")) {
      if (isValid(child, true)) {
        runs.add(child);
      }
    }
    return runs;
  }

  @Override
  public List<String> stages(String runId) {
    Names.requireRunId(runId);
    List<String> children = objects.children(runId + "/");
    if (children.isEmpty()) {
      throw RunNotFound.in(runId, location(), runs());
    }
    List<String> stages = new ArrayList<>();
    boolean stageless =
        children.contains(RunLayout.CHECKPOINTS)
            && !objects
                .list(runId + "/" + RunLayout.CHECKPOINTS + "/" + S3StageKeys.STORE)
                .isEmpty();
    for (String child : children) {
      if (isValid(child, false) && !(stageless && child.equals(RunLayout.CHECKPOINTS))) {
        stages.add(child);
      }
    }
    if (stageless) {
      stages.add(0, StageId.NO_STAGE);
    }
    return stages;
  }

  @Override
  public void close() {
    objects.close();
  }

  private static boolean isValid(String name, boolean run) {
    try {
      if (run) {
        Names.requireRunId(name);
      } else {
        Names.requireStageName(name);
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
