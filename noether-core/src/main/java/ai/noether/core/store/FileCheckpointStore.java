package ai.noether.core.store;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.InsufficientSpaceException;
import ai.noether.api.checkpoint.Names;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageContents;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.layout.RunDirectories;
import ai.noether.core.resume.CheckpointResolver;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-system {@link CheckpointStore}: Noether's layout {@code
 * <output_dir>/<run_id>/<stage_name>/checkpoints/{model}[_{info}]_cp={tag}_{model|optim|trainer}.th},
 * with every tag committed atomically through a manifest.
 *
 * <p><b>Commit.</b> Each file is streamed into a fresh, hidden stored copy ({@code
 * checkpoints/.noether/data/}), its CRC32C computed on the way, and forced to disk; the data
 * directory is synced; then a manifest per tag (the tag, and each alias) is written under a pending
 * name, forced and renamed into {@code checkpoints/.noether/{tag}.manifest}, and that directory is
 * synced. The rename of the tag's manifest is the commit point: before it the previous state is
 * visible, after it the complete checkpoint. Only then are the Noether names in {@code
 * checkpoints/} pointed at the stored copies, each by creating a hard link under a pending name and
 * renaming it over the old name. Aliases ({@code latest}, {@code last}) and iteration files share
 * the same stored bytes: moving {@code latest} writes a manifest and links, never the data again.
 * Stored copies no manifest references any more are deleted afterwards.
 *
 * <p><b>Reading.</b> A tag with a manifest is read only through it, and files are opened through
 * their stored copies, which are never modified, so a reader never sees a mix of two commits even
 * while the Noether names are being switched. Every manifest carries a CRC32C of its own content,
 * and opening a file checks its size and CRC32C against the manifest, so damaged bytes are refused
 * by every reader with the file's absolute path. Tags found only as file names (checkpoints written
 * by Noether in Python) are listed from their names, without store checksums.
 *
 * <p><b>Concurrency.</b> Safe for any number of readers, in any processes, and one writer per
 * stage: writes to one stage are serialised by a lock within the JVM and an OS file lock across
 * processes. Readers take no lock. A training process holds the stage's writer lease ({@link
 * #claim}) for its whole life on top of that.
 *
 * <p><b>Note:</b> the Noether names are hard links, so {@code output_dir} must be on a file system
 * that supports them (every Linux local and network file system in common use does).
 */
public final class FileCheckpointStore implements CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);
  private static final int OPEN_ATTEMPTS = 3;

  private final Path outputDir;
  private final Durable durable;
  private final IterationProbe probe;
  private final Set<Path> cleanedStages = ConcurrentHashMap.newKeySet();

  private FileCheckpointStore(Builder builder) {
    // build() refuses a builder without one
    this.outputDir =
        Objects.requireNonNull(builder.outputDir, "outputDir").toAbsolutePath().normalize();
    this.durable = new Durable(builder.fsync);
    this.probe = builder.probe;
  }

  /** A store rooted at {@code outputDir} that forces every commit to disk. */
  public static FileCheckpointStore open(Path outputDir) {
    return builder().setOutputDir(outputDir).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@code output_dir} this store is rooted at, absolute. */
  public Path outputDir() {
    return outputDir;
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
    StageDirectory dir = new StageDirectory(outputDir, stage);
    return locked(
        dir,
        () -> {
          cleanupOnce(dir);
          return commitLocked(dir, tag, iteration, files, new LinkedHashSet<>(aliases));
        });
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
    StageDirectory dir = new StageDirectory(outputDir, stage);
    return locked(
        dir,
        () -> {
          cleanupOnce(dir);
          CheckpointManifest primary =
              StageListing.scan(dir, IterationProbe.NONE).manifests().get(target);
          if (primary == null || primary.aliasOf() != null) {
            throw new CheckpointNotFoundException(
                "stage "
                    + stage
                    + " has no checkpoint committed under "
                    + target.token()
                    + "; checkpoints: "
                    + list(stage).stream().map(StoredCheckpoint::describe).toList());
          }
          List<Path> pending = new ArrayList<>();
          try {
            List<CheckpointManifest> moved = aliases.stream().map(primary::asAlias).toList();
            List<Path> temps = new ArrayList<>();
            for (CheckpointManifest m : moved) {
              Path temp = StageDirectory.pending(dir.manifest(m.tag()));
              pending.add(temp);
              temps.add(temp);
              durable.writeNew(temp, m.toJson());
            }
            for (int i = 0; i < moved.size(); i++) {
              Durable.replace(temps.get(i), dir.manifest(moved.get(i).tag()));
              pending.remove(temps.get(i));
            }
            durable.syncDirectory(dir.store());
          } catch (Throwable t) {
            Durable.deleteAll(pending, t);
            throw t;
          }
          publishNames(dir, target);
          return primary.toStored(stage);
        });
  }

  /**
   * Takes the stage's writer lease, {@code
   * <output_dir>/.noether/leases/<run_id>/<stage_name>.lease}: an exclusive OS lock the kernel
   * releases when the process ends, and which this JVM refuses to take twice. See {@link
   * StageLease}. It lives outside the stage, so that claiming creates no run directory (a command
   * that fails leaves none behind) and deleting a run's directory while it trains cannot let a
   * second writer in.
   */
  @Override
  public StageClaim claim(StageId stage, StageWriter writer) throws IOException {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(writer, "writer");
    Path file = StageLease.file(outputDir, stage);
    // a lease file lies three directories below outputDir
    durable.createDirectories(Objects.requireNonNull(file.getParent(), "lease directory"));
    return StageLease.acquire(file, stage, writer);
  }

  private interface LockedAction<T> {
    T run() throws IOException;
  }

  private interface LockedRun {
    void run() throws IOException;
  }

  /** As {@link #locked(StageDirectory, LockedAction)}, for an action with no result. */
  private void lockedRun(StageDirectory dir, LockedRun action) throws IOException {
    locked(
        dir,
        () -> {
          action.run();
          return Boolean.TRUE;
        });
  }

  /** Runs {@code action} as the stage's only writer, creating the store's directories first. */
  private <T> T locked(StageDirectory dir, LockedAction<T> action) throws IOException {
    durable.createDirectories(dir.data());
    StageLock lock = StageLock.acquire(dir.lockFile());
    try {
      return action.run();
    } catch (Throwable t) {
      try {
        lock.close();
      } catch (IOException | RuntimeException e) {
        t.addSuppressed(e);
      }
      lock = null;
      throw t;
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  private StoredCheckpoint commitLocked(
      StageDirectory dir,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    long needed = files.stream().mapToLong(CheckpointFile::size).sum();
    long available = StageSpace.require(dir, tag, needed);
    Instant committedAt = Instant.now();
    String commitId =
        Long.toHexString(committedAt.toEpochMilli())
            + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 40);

    List<Path> pending = new ArrayList<>();
    CheckpointManifest primary;
    List<CheckpointManifest> aliasManifests;
    try {
      List<CheckpointManifest.Entry> entries = new ArrayList<>();
      for (CheckpointFile file : files) {
        String blobName = StageDirectory.blobName(commitId, file.name());
        Path blob = dir.blob(blobName);
        pending.add(blob);
        entries.add(writeBlob(file, blobName, blob));
      }
      durable.syncDirectory(dir.data());

      primary = new CheckpointManifest(tag, null, iteration, committedAt, entries);
      aliasManifests = aliases.stream().map(primary::asAlias).toList();
      List<CheckpointManifest> all = new ArrayList<>();
      all.add(primary);
      all.addAll(aliasManifests);
      List<Path> temps = new ArrayList<>();
      for (CheckpointManifest m : all) {
        Path temp = StageDirectory.pending(dir.manifest(m.tag()));
        pending.add(temp);
        durable.writeNew(temp, m.toJson());
        temps.add(temp);
      }
      for (int i = 0; i < all.size(); i++) {
        Durable.replace(temps.get(i), dir.manifest(all.get(i).tag()));
        pending.remove(temps.get(i));
        if (i == 0) {
          // The commit point has passed: the stored copies belong to the checkpoint now.
          pending.removeIf(p -> dir.data().equals(p.getParent()));
        }
      }
      durable.syncDirectory(dir.store());
    } catch (Throwable t) {
      if (Durable.isNoSpace(t)) {
        InsufficientSpaceException noSpace = StageSpace.filledUp(dir, tag, needed, available, t);
        Durable.deleteAll(pending, noSpace);
        throw noSpace;
      }
      Durable.deleteAll(pending, t);
      throw t;
    }

    publishNames(dir, tag);
    return primary.toStored(dir.stage());
  }

  private CheckpointManifest.Entry writeBlob(CheckpointFile file, String blobName, Path blob)
      throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            blob,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
      ChecksummingChannel out = new ChecksummingChannel(channel);
      file.writeTo(out);
      long written = channel.size();
      if (written != file.size()) {
        throw new IllegalStateException(
            "checkpoint file "
                + file.name()
                + " wrote "
                + written
                + " bytes but declared "
                + file.size()
                + "; CheckpointFile.size() must be exact so that free space "
                + "can be checked before writing");
      }
      long crc = out.checksumOf(written);
      if (crc < 0) {
        // The writer sought back, mapped or transferred: read the finished file once. Its bytes are
        // in the page cache, so this costs memory bandwidth, not disk reads.
        crc = Crc32c.of(channel, written);
      }
      durable.force(channel);
      return new CheckpointManifest.Entry(file.name(), blobName, written, crc);
    }
  }

  /**
   * Points the Noether names at the committed stored copies, removes names their tags no longer
   * list, and deletes stored copies nothing references. Runs after the commit point; a failure here
   * leaves the committed state intact and is repaired by the next commit or {@link #cleanup}.
   */
  private void publishNames(StageDirectory dir, CheckpointTag committed) {
    try {
      StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
      int changed = linkNames(dir, listing);
      if (changed > 0) {
        durable.syncDirectory(dir.checkpoints());
      }
      sweepBlobs(dir, listing);
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
  private static int linkNames(StageDirectory dir, StageListing listing) throws IOException {
    int changed = 0;
    for (CheckpointManifest m : listing.manifests().values()) {
      Set<CheckpointFileName> wanted = new HashSet<>();
      for (CheckpointManifest.Entry entry : m.files()) {
        wanted.add(entry.name());
        Path name = dir.view(entry.name());
        Path blob = dir.blob(entry.blob());
        if (!Files.exists(blob, LinkOption.NOFOLLOW_LINKS)) {
          // A damaged manifest (or a stored copy deleted by hand): nothing to link, and the name
          // may
          // still hold good bytes. Reading the tag reports it; repairing must not stop at it.
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

  /** Deletes stored copies that no manifest references; returns how many. */
  private static int sweepBlobs(StageDirectory dir, StageListing listing) throws IOException {
    if (!listing.unreadable().isEmpty()) {
      LOG.warn(
          "not deleting unreferenced stored files of {}: the manifests of {} cannot be read",
          dir.stage(),
          listing.unreadable().keySet().stream().map(CheckpointTag::token).toList());
      return 0;
    }
    Set<String> referenced =
        listing.manifests().values().stream()
            .flatMap(m -> m.files().stream())
            .map(CheckpointManifest.Entry::blob)
            .collect(Collectors.toSet());
    int deleted = 0;
    for (Path blob : RunDirectories.entries(dir.data())) {
      if (!referenced.contains(blob.getFileName().toString()) && Files.deleteIfExists(blob)) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public void delete(StageId stage, CheckpointTag tag) throws IOException {
    Objects.requireNonNull(tag, "tag");
    StageDirectory dir = new StageDirectory(outputDir, stage);
    if (!Files.isDirectory(dir.checkpoints())) {
      return;
    }
    lockedRun(
        dir,
        () -> {
          StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
          // Names first, then the manifest: a crash in between leaves the tag committed with some
          // names
          // missing (repaired by cleanup), never names without a manifest, which would list as a
          // manifest-less checkpoint with files missing.
          int removed = 0;
          for (CheckpointFileName name : listing.namesByTag().getOrDefault(tag, List.of())) {
            removed += Files.deleteIfExists(dir.view(name)) ? 1 : 0;
          }
          if (removed > 0) {
            durable.syncDirectory(dir.checkpoints());
          }
          if (Files.deleteIfExists(dir.manifest(tag))) {
            durable.syncDirectory(dir.store());
            sweepBlobs(dir, StageListing.scan(dir, IterationProbe.NONE));
          }
        });
  }

  /**
   * Repairs what an interrupted writer left in a stage: deletes pending files and stored copies no
   * manifest references, re-links Noether names to their committed checkpoints and removes names
   * their tags no longer list. Runs under the stage's writer lock, so every pending file it finds
   * is left over from a writer that died (a live writer would hold the lock). Every commit does
   * this once per stage and store instance before writing.
   */
  public CleanupReport cleanup(StageId stage) throws IOException {
    StageDirectory dir = new StageDirectory(outputDir, stage);
    if (!Files.isDirectory(dir.checkpoints())) {
      return new CleanupReport(0, 0, 0);
    }
    return locked(dir, () -> cleanupLocked(dir));
  }

  private void cleanupOnce(StageDirectory dir) throws IOException {
    if (!cleanedStages.contains(dir.checkpoints())) {
      cleanupLocked(dir);
      cleanedStages.add(dir.checkpoints());
    }
  }

  private CleanupReport cleanupLocked(StageDirectory dir) throws IOException {
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
    int names = linkNames(dir, listing);
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

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public List<StoredCheckpoint> list(StageId stage) throws IOException {
    return StageListing.scan(new StageDirectory(outputDir, stage), probe).checkpoints().stream()
        .map(StageListing.Listed::checkpoint)
        .toList();
  }

  /**
   * The checkpoint a selector designates, resolved by {@link CheckpointResolver} over this store's
   * {@link #contents}, exactly as for every other store; kept for the callers that hold a file
   * store.
   */
  public StoredCheckpoint resolve(StageId stage, CheckpointSelector selector) throws IOException {
    return CheckpointResolver.of(this).resolve(stage, selector);
  }

  @Override
  public StageContents contents(StageId stage) throws IOException {
    StageListing listing = StageListing.scan(new StageDirectory(outputDir, stage), probe);
    return new StageContents(
        stage,
        listing.checkpoints().stream().map(StageListing.Listed::checkpoint).toList(),
        listing.checkpoints().stream()
            .filter(l -> !l.iterationKnown())
            .map(l -> l.checkpoint().tag())
            .collect(Collectors.toSet()),
        listing.unreadable());
  }

  @Override
  public boolean exists(StageId stage) {
    StageDirectory dir = new StageDirectory(outputDir, stage);
    return Files.isDirectory(dir.runDir())
        && Files.isDirectory(dir.stageDir())
        && !(stage.isStageless() && !Files.isDirectory(dir.checkpoints()));
  }

  /** The absolute {@code output_dir}. */
  @Override
  public String location() {
    return outputDir.toString();
  }

  /** The stage's absolute checkpoint directory. */
  @Override
  public String location(StageId stage) {
    return new StageDirectory(outputDir, stage).checkpoints().toString();
  }

  @Override
  public FileChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    StageDirectory dir = new StageDirectory(outputDir, checkpoint.stage());
    requireMember(checkpoint, file);
    if (!file.hasChecksum()) {
      return openExisting(dir, checkpoint, dir.view(file.name()));
    }
    FileChannel channel = openStoredCopy(dir, checkpoint, file);
    try {
      requireCommittedContent(dir, checkpoint, file, channel);
      return channel;
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static FileChannel openStoredCopy(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    Path previous = null;
    for (int attempt = 1; ; attempt++) {
      Path blob = storedCopy(dir, checkpoint, file);
      try {
        return FileChannel.open(blob, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        if (blob.equals(previous)) {
          // The manifest still lists it: not a writer moving on, a stored copy that is gone.
          throw new CorruptCheckpointException(
              "file "
                  + dir.view(file.name())
                  + " of checkpoint "
                  + checkpoint.describe()
                  + " cannot be read: its manifest "
                  + dir.manifest(checkpoint.tag())
                  + " lists the stored copy "
                  + blob
                  + ", which does not exist (the manifest was damaged, or the file was deleted by hand)");
        }
        // A writer replaced the tag and deleted its old copy after we read the manifest: look
        // again.
        previous = blob;
        if (attempt == OPEN_ATTEMPTS) {
          throw new CheckpointNotFoundException(
              "checkpoint "
                  + checkpoint.describe()
                  + " of "
                  + dir.stage()
                  + " keeps changing while it is opened; resolve it again");
        }
      }
    }
  }

  /**
   * Checks the size and CRC32C of an opened stored copy against what was committed: every read
   * verifies the bytes, not only {@link #verify}. The pass reads from the page cache that the read
   * which follows needs anyway.
   */
  private static void requireCommittedContent(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, FileChannel channel)
      throws IOException {
    long size = requireCommittedSize(dir, checkpoint, file, channel);
    if (file.hasChecksum()) {
      requireCommittedCrc(dir, checkpoint, file, Crc32c.of(channel, size));
    }
  }

  private static long requireCommittedSize(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, FileChannel channel)
      throws IOException {
    long size = channel.size();
    if (size != file.size()) {
      throw new CorruptCheckpointException(
          describe(dir, checkpoint, file)
              + " is "
              + (size < file.size() ? "truncated" : "longer than committed")
              + ": it has "
              + size
              + " bytes, "
              + file.size()
              + " were "
              + (file.hasChecksum() ? "committed" : "listed"));
    }
    return size;
  }

  private static void requireCommittedCrc(
      StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, long crc) {
    if (crc != file.crc32c()) {
      throw new CorruptCheckpointException(
          describe(dir, checkpoint, file)
              + " is corrupt: its CRC32C is "
              + String.format("%08x", crc)
              + " but "
              + String.format("%08x", file.crc32c())
              + " was recorded when it was committed");
    }
  }

  private static String describe(StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file) {
    return "file " + dir.view(file.name()) + " of checkpoint " + checkpoint.describe();
  }

  /**
   * Opens a file for a reader that computes the file's CRC32C itself, in the same pass over the
   * bytes as its own checks, instead of the separate pass {@link #open} makes before handing the
   * channel out: a resume then reads every byte once. The size is checked here; the reader must
   * pass the CRC32C of every byte to {@link DeferredCheck#requireCrc32c} before it uses anything it
   * read, and on any failure of its own call {@link DeferredCheck#requireCommittedContent}, so that
   * damaged bytes are reported as {@link #open} reports them.
   *
   * @throws CorruptCheckpointException if the file's size is not the committed one
   */
  public DeferredCheck openDeferred(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    StageDirectory dir = new StageDirectory(outputDir, checkpoint.stage());
    requireMember(checkpoint, file);
    FileChannel channel =
        file.hasChecksum()
            ? openStoredCopy(dir, checkpoint, file)
            : openExisting(dir, checkpoint, dir.view(file.name()));
    try {
      requireCommittedSize(dir, checkpoint, file, channel);
      return new DeferredCheck(dir, checkpoint, file, channel);
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** A file opened by {@link #openDeferred}: its size checked, its CRC32C still to check. */
  public static final class DeferredCheck implements java.io.Closeable {
    private final StageDirectory dir;
    private final StoredCheckpoint checkpoint;
    private final StoredFile file;
    private final FileChannel channel;

    private DeferredCheck(
        StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file, FileChannel channel) {
      this.dir = dir;
      this.checkpoint = checkpoint;
      this.file = file;
      this.channel = channel;
    }

    /**
     * The open file; its bytes are not verified until {@link #requireCrc32c} accepted their
     * checksum.
     */
    public FileChannel channel() {
      return channel;
    }

    /**
     * Accepts the CRC32C the reader computed over every byte of the file.
     *
     * @throws CorruptCheckpointException with the message {@link #open} gives, if it is not the
     *     committed one (nothing is checked for a file listed without a checksum)
     */
    public void requireCrc32c(long crc32c) {
      if (file.hasChecksum()) {
        requireCommittedCrc(dir, checkpoint, file, crc32c);
      }
    }

    /**
     * The check {@link #open} makes, in a pass of its own: for a reader that failed before it had
     * read every byte, so that damaged bytes are named as such rather than by the symptom the
     * reader saw first.
     *
     * @throws CorruptCheckpointException if the bytes are not the committed ones
     */
    public void requireCommittedContent() throws IOException {
      FileCheckpointStore.requireCommittedContent(dir, checkpoint, file, channel);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static FileChannel openExisting(
      StageDirectory dir, StoredCheckpoint checkpoint, Path path) throws IOException {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointNotFoundException(
          "file "
              + path.getFileName()
              + " of checkpoint "
              + checkpoint.describe()
              + " no longer exists in "
              + dir.checkpoints()
              + "; it was deleted after the checkpoint was listed");
    }
  }

  /** The stored copy of {@code file} as the tag's current manifest records it. */
  private static Path storedCopy(StageDirectory dir, StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    CheckpointManifest manifest;
    try {
      manifest = CheckpointManifest.read(dir.manifest(checkpoint.tag()), checkpoint.tag());
    } catch (NoSuchFileException e) {
      throw new CheckpointNotFoundException(
          "checkpoint "
              + checkpoint.describe()
              + " of "
              + dir.stage()
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
              + dir.stage()
              + " was replaced by a newer commit ("
              + manifest.iteration()
              + " at "
              + manifest.committedAt()
              + ") after it was resolved; resolve it again");
    }
    return dir.blob(entry.get().blob());
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) throws IOException {
    StageDirectory dir = new StageDirectory(outputDir, checkpoint.stage());
    for (StoredFile file : checkpoint.files()) {
      try (FileChannel channel =
          file.hasChecksum()
              ? openStoredCopy(dir, checkpoint, file)
              : openExisting(dir, checkpoint, dir.view(file.name()))) {
        requireCommittedContent(dir, checkpoint, file, channel);
      }
    }
  }

  /** The absolute path of the file's Noether name, which is what users copy and load. */
  @Override
  public String location(StoredCheckpoint checkpoint, StoredFile file) {
    return new StageDirectory(outputDir, checkpoint.stage()).view(file.name()).toString();
  }

  /** The other tags whose manifests list the same stored copy (aliases of one commit). */
  @Override
  public List<CheckpointTag> sharing(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    StageDirectory dir = new StageDirectory(outputDir, checkpoint.stage());
    StageListing listing = StageListing.scan(dir, IterationProbe.NONE);
    CheckpointManifest own = listing.manifests().get(checkpoint.tag());
    Optional<CheckpointManifest.Entry> entry =
        own == null ? Optional.empty() : own.entry(file.name());
    if (entry.isEmpty()) {
      return List.of();
    }
    String blob = entry.get().blob();
    return listing.checkpoints().stream()
        .map(l -> listing.manifests().get(l.checkpoint().tag()))
        .filter(m -> m != null && !m.tag().equals(checkpoint.tag()))
        .filter(m -> m.files().stream().anyMatch(e -> e.blob().equals(blob)))
        .map(CheckpointManifest::tag)
        .toList();
  }

  /** Runs {@link #cleanup}: a starting writer repairs pending files and mixed names first. */
  @Override
  public void repair(StageId stage) throws IOException {
    cleanup(stage);
    cleanedStages.add(new StageDirectory(outputDir, stage).checkpoints());
  }

  /**
   * What the store can check in a stage without reading file contents: manifests that cannot be
   * trusted, and Noether names that are not the bytes their tag's manifest lists (mixed names left
   * by a writer killed while publishing them, missing names, stored copies that are gone). File
   * checksums are checked by {@link #verify}.
   */
  public StageAudit audit(StageId stage) throws IOException {
    return StageAudit.of(new StageDirectory(outputDir, stage));
  }

  @Override
  public List<String> runs() throws IOException {
    return RunDirectories.runIds(outputDir);
  }

  @Override
  public List<String> stages(String runId) throws IOException {
    Names.requireRunId(runId);
    Path runDir = outputDir.resolve(runId);
    if (!Files.isDirectory(runDir)) {
      throw new CheckpointNotFoundException(unknownRun(runId));
    }
    return RunDirectories.stages(runDir);
  }

  @Override
  public void close() {
    // Nothing is held between calls: locks and channels live only within one operation.
  }

  private String unknownRun(String runId) throws IOException {
    if (!Files.isDirectory(outputDir)) {
      return "run '" + runId + "' does not exist: output_dir " + outputDir + " does not exist";
    }
    List<String> runs = runs();
    return "run '"
        + runId
        + "' does not exist in output_dir "
        + outputDir
        + "; "
        + (runs.isEmpty() ? "it has no runs yet" : "runs there: " + String.join(", ", runs));
  }

  private static void requireMember(StoredCheckpoint checkpoint, StoredFile file) {
    if (!checkpoint.files().contains(file)) {
      throw new IllegalArgumentException(
          "file " + file.name() + " is not part of checkpoint " + checkpoint.describe());
    }
  }

  /** Builds a {@link FileCheckpointStore}. */
  public static final class Builder {
    private @Nullable Path outputDir;
    private boolean fsync = true;
    private IterationProbe probe = ThIterationProbe.shared();

    private Builder() {}

    /** The root of all runs ({@code output_dir}); required. */
    public Builder setOutputDir(Path outputDir) {
      this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
      return this;
    }

    /**
     * Whether commits force files and directories to the device (default true). Without it a commit
     * is still atomic for a crashed process but may be lost, or left half-visible in file names, on
     * a power failure or kernel crash.
     */
    public Builder optFsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /**
     * How to find the iteration of Noether-written {@code latest}/{@code last}/best files; by
     * default {@link ThIterationProbe#shared()}, which reads it from each file's metadata.
     */
    public Builder optIterationProbe(IterationProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** The store; names what is missing. */
    public FileCheckpointStore build() {
      if (outputDir == null) {
        throw new IllegalStateException(
            "FileCheckpointStore needs an output directory: call setOutputDir");
      }
      return new FileCheckpointStore(this);
    }
  }
}
