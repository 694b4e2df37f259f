package ai.noether.store.s3.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.resume.CheckpointResolver;
import ai.noether.core.store.CheckpointManifest;
import ai.noether.core.store.CommitRules;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.S3ChecksumMismatchException;
import ai.noether.store.s3.S3ObjectNotFoundException;
import ai.noether.store.s3.S3StoreException;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStore.class);
  private static final String STORE = ".noether/";
  private static final String DATA = "data/";
  private static final int OPEN_ATTEMPTS = 3;

  private final ObjectLayer objects;
  private final Duration leaseDuration;
  private final @Nullable Path spoolDir;
  private final Map<StageId, Object> stageLocks = new ConcurrentHashMap<>();
  private final Set<StageId> repairedStages = ConcurrentHashMap.newKeySet();

  /**
   * Data objects read whole and verified by this store: their ranges may be read without a full
   * pass.
   */
  private final Set<String> verifiedBlobs = ConcurrentHashMap.newKeySet();

  /**
   * A store over {@code objects}, which it closes with itself.
   *
   * @param leaseDuration how long a writer lease lasts without renewal
   * @param spoolDir where opened files are downloaded to; null for the system's temporary directory
   */
  public S3CheckpointStore(ObjectLayer objects, Duration leaseDuration, @Nullable Path spoolDir) {
    this.objects = Objects.requireNonNull(objects, "objects");
    this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
    this.spoolDir = spoolDir;
  }

  /** The object layer this store writes through. */
  public ObjectLayer objects() {
    return objects;
  }

  // ---------------------------------------------------------------------------------------------
  // Names

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
      repairOnce(stage);
      try {
        return commitLocked(stage, tag, iteration, files, new LinkedHashSet<>(aliases));
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
    }
  }

  private StoredCheckpoint commitLocked(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    Instant committedAt = Instant.now();
    String commitId =
        Long.toHexString(committedAt.toEpochMilli())
            + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 40);
    List<String> uploaded = new ArrayList<>();
    CheckpointManifest primary;
    try {
      List<CheckpointManifest.Entry> entries = new ArrayList<>();
      for (CheckpointFile file : files) {
        String blob = CheckpointManifest.blobName(commitId, file.name());
        String name = dataDir(stage) + blob;
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
      writeManifest(stage, primary);
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
    for (CheckpointTag alias : aliases) {
      writeManifest(stage, primary.asAlias(alias));
    }
    sweepQuietly(stage, tag);
    return primary.toStored(stage);
  }

  /**
   * Writes a manifest create-only, or over the existing one by compare-and-swap on the ETag just
   * read, so that it never overwrites a manifest it did not see.
   */
  private void writeManifest(StageId stage, CheckpointManifest manifest) {
    String name = manifest(stage, manifest.tag());
    byte[] json = manifest.toJson();
    Optional<StoredObject> current = objects.head(name);
    if (current.isEmpty()) {
      objects.putIfAbsent(name, json);
    } else {
      objects.putIfMatch(name, json, current.get().etag());
    }
  }

  @Override
  public StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliases)
      throws IOException {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(target, "target");
    if (target.isAlias()) {
      throw new IllegalArgumentException(
          "cannot point aliases at the alias "
              + target.token()
              + "; give the tag the checkpoint was committed under");
    }
    for (CheckpointTag a : aliases) {
      if (!a.isAlias()) {
        throw new IllegalArgumentException(
            a.token() + " is not an alias; aliases are latest and last");
      }
    }
    synchronized (lock(stage)) {
      repairOnce(stage);
      Listing listing = scan(stage);
      CheckpointManifest primary = listing.manifests.get(target);
      if (primary == null || primary.aliasOf() != null) {
        throw new CheckpointNotFoundException(
            "stage "
                + stage
                + " has no checkpoint committed under "
                + target.token()
                + "; checkpoints: "
                + listing.checkpoints().stream().map(StoredCheckpoint::describe).toList());
      }
      try {
        for (CheckpointTag alias : aliases) {
          writeManifest(stage, primary.asAlias(alias));
        }
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
      sweepQuietly(stage, target);
      return primary.toStored(stage);
    }
  }

  @Override
  public void delete(StageId stage, CheckpointTag tag) throws IOException {
    Objects.requireNonNull(tag, "tag");
    synchronized (lock(stage)) {
      String name = manifest(stage, tag);
      if (objects.head(name).isEmpty()) {
        return;
      }
      objects.delete(name);
      sweep(stage);
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
      repairLocked(stage);
      repairedStages.add(stage);
    }
  }

  private void repairOnce(StageId stage) throws IOException {
    if (!repairedStages.contains(stage)) {
      repairLocked(stage);
      repairedStages.add(stage);
    }
  }

  private void repairLocked(StageId stage) throws IOException {
    int uploads = objects.abortUnfinishedUploads(checkpoints(stage), Duration.ZERO);
    int orphans = sweep(stage);
    if (uploads + orphans > 0) {
      LOG.info(
          "cleaned up after an interrupted writer in {}: {} unfinished uploads aborted and {} data objects "
              + "without a manifest deleted",
          location(stage),
          uploads,
          orphans);
    }
  }

  private void sweepQuietly(StageId stage, CheckpointTag committed) {
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

  /** Deletes the stage's data objects no manifest lists; returns how many. */
  private int sweep(StageId stage) throws IOException {
    Listing listing = scan(stage);
    if (!listing.unreadable.isEmpty()) {
      LOG.warn(
          "not deleting unreferenced data objects of {}: the manifests of {} cannot be read",
          stage,
          listing.unreadable.keySet().stream().map(CheckpointTag::token).toList());
      return 0;
    }
    Set<String> referenced =
        listing.manifests.values().stream()
            .flatMap(m -> m.files().stream())
            .map(CheckpointManifest.Entry::blob)
            .collect(Collectors.toSet());
    int deleted = 0;
    String data = dataDir(stage);
    String dataKey = objects.location().key(data);
    for (StoredObject o : objects.list(data)) {
      String blob = o.key().substring(dataKey.length());
      if (!referenced.contains(blob)) {
        objects.delete(data + blob);
        verifiedBlobs.remove(data + blob);
        deleted++;
      }
    }
    return deleted;
  }

  private Object lock(StageId stage) {
    return stageLocks.computeIfAbsent(stage, s -> new Object());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** One read of a stage's manifests. */
  private record Listing(
      Map<CheckpointTag, CheckpointManifest> manifests,
      Map<CheckpointTag, CorruptCheckpointException> unreadable,
      StageId stage) {
    List<StoredCheckpoint> checkpoints() {
      List<StoredCheckpoint> out = new ArrayList<>();
      manifests.values().forEach(m -> out.add(m.toStored(stage)));
      out.sort(CheckpointResolver.ORDER);
      return out;
    }
  }

  private Listing scan(StageId stage) throws IOException {
    String dir = storeDir(stage);
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
        manifests.put(tag.get(), readManifest(stage, tag.get()));
      } catch (S3ObjectNotFoundException gone) {
        // Deleted between the listing and the read: the tag is gone.
      } catch (CorruptCheckpointException e) {
        unreadable.put(tag.get(), e);
      }
    }
    return new Listing(manifests, unreadable, stage);
  }

  private CheckpointManifest readManifest(StageId stage, CheckpointTag tag) throws IOException {
    String name = manifest(stage, tag);
    byte[] bytes;
    try {
      bytes = objects.readBytes(name);
    } catch (S3ChecksumMismatchException e) {
      throw new CorruptCheckpointException(
          "checkpoint manifest " + objects.url(name) + " cannot be trusted: " + e.getMessage(), e);
    }
    return CheckpointManifest.parse(bytes, objects.url(name), tag);
  }

  @Override
  public List<StoredCheckpoint> list(StageId stage) throws IOException {
    return scan(stage).checkpoints();
  }

  @Override
  public StageContents contents(StageId stage) throws IOException {
    Listing listing = scan(stage);
    return new StageContents(stage, listing.checkpoints(), Set.of(), listing.unreadable);
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
    String c = checkpoints(stage);
    return objects.url(c.substring(0, c.length() - 1));
  }

  @Override
  public String location(StoredCheckpoint checkpoint, StoredFile file) {
    return location(checkpoint.stage()) + "/" + file.name().format();
  }

  @Override
  public SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    requireMember(checkpoint, file);
    String blob = storedCopy(checkpoint, file);
    Path spool =
        spoolDir == null
            ? Files.createTempFile("noether-s3-", ".th")
            : Files.createTempFile(Files.createDirectories(spoolDir), "noether-s3-", ".th");
    try {
      try (FileChannel out = FileChannel.open(spool, StandardOpenOption.WRITE)) {
        download(checkpoint, file, blob, out);
      }
      FileChannel in = FileChannel.open(spool, StandardOpenOption.READ);
      verifiedBlobs.add(blob);
      return in;
    } finally {
      // Deleted as soon as it is open: the channel keeps the bytes, nothing is left behind.
      Files.deleteIfExists(spool);
    }
  }

  @Override
  public ByteBuffer read(StoredCheckpoint checkpoint, StoredFile file, long offset, int length)
      throws IOException {
    if (offset < 0 || length < 0 || offset + length > file.size()) {
      throw new java.io.EOFException(
          "range "
              + offset
              + "+"
              + length
              + " lies outside "
              + location(checkpoint, file)
              + " ("
              + file.size()
              + " bytes)");
    }
    requireMember(checkpoint, file);
    String blob = storedCopy(checkpoint, file);
    if (!verifiedBlobs.contains(blob)) {
      return CheckpointStore.super.read(checkpoint, file, offset, length);
    }
    var bytes = new java.io.ByteArrayOutputStream(length);
    long n = objects.readRange(blob, offset, length, java.nio.channels.Channels.newChannel(bytes));
    if (n != length) {
      throw new java.io.EOFException(
          location(checkpoint, file)
              + " ended at "
              + (offset + n)
              + " bytes, before the range "
              + offset
              + "+"
              + length);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) throws IOException {
    for (StoredFile file : checkpoint.files()) {
      String blob = storedCopy(checkpoint, file);
      download(checkpoint, file, blob, new Discard());
      verifiedBlobs.add(blob);
    }
  }

  /**
   * Reads the data object whole into {@code out}, checking its size and CRC32C against the
   * manifest.
   */
  private void download(
      StoredCheckpoint checkpoint, StoredFile file, String blob, WritableByteChannel out)
      throws IOException {
    String what = "file " + location(checkpoint, file) + " of checkpoint " + checkpoint.describe();
    StoredObject read;
    try {
      read =
          objects.read(
              blob,
              out,
              file.hasChecksum() ? OptionalLong.of(file.crc32c()) : OptionalLong.empty());
    } catch (S3ChecksumMismatchException e) {
      throw new CorruptCheckpointException(
          what
              + " is corrupt: its stored bytes "
              + objects.url(blob)
              + " do not match the CRC32C "
              + String.format("%08x", file.crc32c())
              + " recorded when it was committed ("
              + e.getMessage()
              + ")",
          e);
    } catch (S3ObjectNotFoundException e) {
      throw new CorruptCheckpointException(
          what
              + " cannot be read: its manifest "
              + objects.url(manifest(checkpoint.stage(), checkpoint.tag()))
              + " lists the data object "
              + objects.url(blob)
              + ", which does not exist (the manifest was damaged, or the object was deleted by hand)",
          e);
    }
    if (read.size() != file.size()) {
      throw new CorruptCheckpointException(
          what
              + " is "
              + (read.size() < file.size() ? "truncated" : "longer than " + "committed")
              + ": its data object "
              + objects.url(blob)
              + " has "
              + read.size()
              + " bytes, "
              + file.size()
              + " were committed");
    }
  }

  /** The data object of {@code file} as the tag's current manifest lists it. */
  private String storedCopy(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    CheckpointManifest manifest;
    try {
      manifest = readManifest(checkpoint.stage(), checkpoint.tag());
    } catch (S3ObjectNotFoundException e) {
      throw new CheckpointNotFoundException(
          "checkpoint "
              + checkpoint.describe()
              + " of "
              + checkpoint.stage()
              + " was deleted after it was resolved");
    }
    Optional<CheckpointManifest.Entry> entry =
        manifest
            .entry(file.name())
            .filter(e -> e.size() == file.size() && e.crc32c() == file.crc32c());
    if (entry.isEmpty()) {
      throw new CheckpointNotFoundException(
          "checkpoint "
              + checkpoint.describe()
              + " of "
              + checkpoint.stage()
              + " was replaced by a newer commit ("
              + manifest.iteration()
              + " at "
              + manifest.committedAt()
              + ") after it was resolved; resolve it again");
    }
    return dataDir(checkpoint.stage()) + entry.get().blob();
  }

  @Override
  public List<CheckpointTag> sharing(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    Listing listing = scan(checkpoint.stage());
    CheckpointManifest own = listing.manifests.get(checkpoint.tag());
    Optional<CheckpointManifest.Entry> entry =
        own == null ? Optional.empty() : own.entry(file.name());
    if (entry.isEmpty()) {
      return List.of();
    }
    String blob = entry.get().blob();
    return listing.manifests.values().stream()
        .filter(m -> !m.tag().equals(checkpoint.tag()))
        .filter(m -> m.files().stream().anyMatch(e -> e.blob().equals(blob)))
        .map(CheckpointManifest::tag)
        .toList();
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
      List<String> runs = runs();
      throw new CheckpointNotFoundException(
          "run '"
              + runId
              + "' does not exist in output_dir "
              + location()
              + "; "
              + (runs.isEmpty() ? "it has no runs yet" : "runs there: " + String.join(", ", runs)));
    }
    List<String> stages = new ArrayList<>();
    boolean stageless =
        children.contains(RunLayout.CHECKPOINTS)
            && !objects.list(runId + "/" + RunLayout.CHECKPOINTS + "/" + STORE).isEmpty();
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

  private static void requireMember(StoredCheckpoint checkpoint, StoredFile file) {
    if (!checkpoint.files().contains(file)) {
      throw new IllegalArgumentException(
          "file " + file.name() + " is not part of checkpoint " + checkpoint.describe());
    }
  }

  /** Passes a checkpoint file's bytes on and refuses more, or fewer, than it declared. */
  private static final class ExactSizeChannel implements WritableByteChannel {
    private final WritableByteChannel out;
    private final CheckpointFile file;
    private long written;

    ExactSizeChannel(WritableByteChannel out, CheckpointFile file) {
      this.out = out;
      this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (written + src.remaining() > file.size()) {
        throw new IllegalStateException(
            "checkpoint file "
                + file.name()
                + " wrote more than the "
                + file.size()
                + " bytes it declared; CheckpointFile.size() must be exact so that the upload can be planned");
      }
      int n = out.write(src);
      written += n;
      return n;
    }

    void requireComplete() {
      if (written != file.size()) {
        throw new IllegalStateException(
            "checkpoint file "
                + file.name()
                + " wrote "
                + written
                + " bytes but declared "
                + file.size()
                + "; CheckpointFile.size() must be exact so that the upload can be planned");
      }
    }

    @Override
    public boolean isOpen() {
      return out.isOpen();
    }

    @Override
    public void close() {
      // The store owns the upload's channel.
    }
  }

  /** Counts nothing, keeps nothing: the sink of a verification pass. */
  private static final class Discard implements WritableByteChannel {
    private boolean open = true;

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      int n = src.remaining();
      src.position(src.limit());
      return n;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
