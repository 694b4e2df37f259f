package ai.noether.core.store;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
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
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
  private final Path outputDir;
  private final Durable durable;
  private final IterationProbe probe;
  private final ManifestCommit commits;
  private final StageCleanup cleanup;

  private FileCheckpointStore(Builder builder) {
    // build() refuses a builder without one
    this.outputDir =
        Objects.requireNonNull(builder.outputDir, "outputDir").toAbsolutePath().normalize();
    this.durable = new Durable(builder.fsync);
    this.probe = builder.probe;
    this.commits = new ManifestCommit(durable);
    this.cleanup = new StageCleanup(durable);
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

  private StageDirectory dir(StageId stage) {
    return new StageDirectory(outputDir, stage);
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
    StageDirectory dir = dir(stage);
    return locked(
        dir,
        () -> {
          cleanup.once(dir);
          CheckpointManifest primary =
              commits.commit(dir, tag, iteration, files, new LinkedHashSet<>(aliases));
          NoetherNameLinks.publish(dir, tag, durable);
          return primary.toStored(stage);
        });
  }

  @Override
  public StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliases)
      throws IOException {
    Objects.requireNonNull(stage, "stage");
    CommitRules.requireAliasable(target, aliases);
    StageDirectory dir = dir(stage);
    return locked(
        dir,
        () -> {
          cleanup.once(dir);
          CheckpointManifest primary =
              StageListing.scan(dir, IterationProbe.NONE).manifests().get(target);
          if (primary == null || primary.aliasOf() != null) {
            throw CommitRules.notCommitted(stage, target, list(stage));
          }
          commits.moveAliases(dir, primary, aliases);
          NoetherNameLinks.publish(dir, target, durable);
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

  @Override
  public void delete(StageId stage, CheckpointTag tag) throws IOException {
    Objects.requireNonNull(tag, "tag");
    StageDirectory dir = dir(stage);
    if (!Files.isDirectory(dir.checkpoints())) {
      return;
    }
    locked(
        dir,
        () -> {
          commits.delete(dir, tag);
          return Boolean.TRUE;
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
    StageDirectory dir = dir(stage);
    if (!Files.isDirectory(dir.checkpoints())) {
      return new CleanupReport(0, 0, 0);
    }
    return locked(dir, () -> cleanup.run(dir));
  }

  /** Runs {@link #cleanup}: a starting writer repairs pending files and mixed names first. */
  @Override
  public void repair(StageId stage) throws IOException {
    cleanup(stage);
    cleanup.markCleaned(dir(stage));
  }

  private interface LockedAction<T> {
    T run() throws IOException;
  }

  /** Runs {@code action} as the stage's only writer, creating the store's directories first. */
  private <T> T locked(StageDirectory dir, LockedAction<T> action) throws IOException {
    durable.createDirectories(dir.data());
    try (StageLock lock = StageLock.acquire(dir.lockFile())) {
      return action.run();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public List<StoredCheckpoint> list(StageId stage) throws IOException {
    return StageListing.scan(dir(stage), probe).stored();
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
    return StageListing.scan(dir(stage), probe).contents(stage);
  }

  @Override
  public boolean exists(StageId stage) {
    StageDirectory dir = dir(stage);
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
    return dir(stage).checkpoints().toString();
  }

  /** The absolute path of the file's Noether name, which is what users copy and load. */
  @Override
  public String location(StoredCheckpoint checkpoint, StoredFile file) {
    return dir(checkpoint.stage()).view(file.name()).toString();
  }

  @Override
  public FileChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    return StoredCopyReads.open(dir(checkpoint.stage()), checkpoint, file);
  }

  /**
   * Opens a file for a reader that computes the file's CRC32C itself, in the same pass over the
   * bytes as its own checks, instead of the separate pass {@link #open} makes before handing the
   * channel out: a resume then reads every byte once. The size is checked here; the reader must
   * pass the CRC32C of every byte to {@link DeferredCrcCheck#requireCrc32c} before it uses anything
   * it read, and on any failure of its own call {@link DeferredCrcCheck#requireCommittedContent},
   * so that damaged bytes are reported as {@link #open} reports them.
   *
   * @throws CorruptCheckpointException if the file's size is not the committed one
   */
  public DeferredCrcCheck openDeferred(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    StageDirectory dir = dir(checkpoint.stage());
    return new DeferredCrcCheck(
        dir, checkpoint, file, StoredCopyReads.openSizeChecked(dir, checkpoint, file));
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) throws IOException {
    StoredCopyReads.verify(dir(checkpoint.stage()), checkpoint);
  }

  /** The other tags whose manifests list the same stored copy (aliases of one commit). */
  @Override
  public List<CheckpointTag> sharing(StoredCheckpoint checkpoint, StoredFile file)
      throws IOException {
    StageListing listing = StageListing.scan(dir(checkpoint.stage()), IterationProbe.NONE);
    return CommittedFiles.sharing(
        listing.manifests().get(checkpoint.tag()), listing.manifestsInOrder(), file);
  }

  /**
   * What the store can check in a stage without reading file contents: manifests that cannot be
   * trusted, and Noether names that are not the bytes their tag's manifest lists (mixed names left
   * by a writer killed while publishing them, missing names, stored copies that are gone). File
   * checksums are checked by {@link #verify}.
   */
  public StageAudit audit(StageId stage) throws IOException {
    return StageAudit.of(dir(stage));
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
      if (!Files.isDirectory(outputDir)) {
        throw new CheckpointNotFoundException(
            "run '" + runId + "' does not exist: output_dir " + outputDir + " does not exist");
      }
      throw RunNotFound.in(runId, outputDir.toString(), runs());
    }
    return RunDirectories.stages(runDir);
  }

  @Override
  public void close() {
    // Nothing is held between calls: locks and channels live only within one operation.
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
