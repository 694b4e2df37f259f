package ai.noether.core.store.memory;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointNotFoundException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.core.resume.CheckpointResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * A second, deliberately different {@link CheckpointStore}: bytes in memory, written through plain
 * {@link WritableByteChannel}s (never a {@code FileChannel}) and read back through {@link
 * SeekableByteChannel}s over byte arrays, so that the contract suite and every reader are exercised
 * on a store that has no files at all, as an object store has none. Buckets live for the JVM
 * ({@code mem://<bucket>}), so a command line run in-process sees what a test committed.
 */
public final class MemoryCheckpointStore implements CheckpointStore {
  private static final Map<String, Map<StageId, Map<CheckpointTag, Commit>>> BUCKETS =
      new ConcurrentHashMap<>();
  private static final Map<String, Map<StageId, StageWriter>> CLAIMS = new ConcurrentHashMap<>();

  private record Commit(
      CheckpointTag tag,
      TrainingIteration iteration,
      Instant at,
      Map<CheckpointFileName, byte[]> files,
      Map<CheckpointFileName, Long> crcs) {}

  private final StoreLocation location;
  private final Map<StageId, Map<CheckpointTag, Commit>> stages;

  public MemoryCheckpointStore(StoreLocation location) {
    this.location = Objects.requireNonNull(location, "location");
    this.stages = BUCKETS.computeIfAbsent(bucket(), k -> new LinkedHashMap<>());
  }

  /** Forgets every bucket (between tests). */
  public static void clearAll() {
    BUCKETS.clear();
    CLAIMS.clear();
  }

  /** One claim per stage and bucket in this JVM (the memory is no more shared than that). */
  @Override
  public StageClaim claim(StageId stage, StageWriter writer) {
    Map<StageId, StageWriter> claims =
        CLAIMS.computeIfAbsent(bucket(), k -> new ConcurrentHashMap<>());
    StageWriter holder = claims.putIfAbsent(stage, writer);
    if (holder != null) {
      throw new StageBusyException(
          "stage " + stage + " in " + location + " is being written by " + holder.describe(),
          stage,
          holder);
    }
    return new StageClaim() {
      private boolean open = true;

      @Override
      public StageId stage() {
        return stage;
      }

      @Override
      public synchronized void close() {
        if (open) {
          open = false;
          claims.remove(stage, writer);
        }
      }
    };
  }

  private String bucket() {
    return location.uri().getAuthority() + location.uri().getPath();
  }

  @Override
  public StoredCheckpoint commit(
      StageId stage,
      CheckpointTag tag,
      TrainingIteration iteration,
      List<CheckpointFile> files,
      Set<CheckpointTag> aliases)
      throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("checkpoint " + tag.token() + " has no files");
    }
    Map<CheckpointFileName, byte[]> bytes = new LinkedHashMap<>();
    Map<CheckpointFileName, Long> crcs = new LinkedHashMap<>();
    for (CheckpointFile file : files) {
      if (!file.name().tag().equals(tag)) {
        throw new IllegalArgumentException(
            "file "
                + file.name()
                + " is named for tag "
                + file.name().tag().token()
                + " but is committed as part of checkpoint "
                + tag.token());
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(file.size(), 1 << 20));
      try (WritableByteChannel channel = Channels.newChannel(out)) {
        file.writeTo(channel);
      }
      byte[] b = out.toByteArray();
      if (b.length != file.size()) {
        throw new IllegalStateException(
            "checkpoint file "
                + file.name()
                + " wrote "
                + b.length
                + " bytes but declared "
                + file.size());
      }
      CRC32C crc = new CRC32C();
      crc.update(b);
      bytes.put(file.name(), b);
      crcs.put(file.name(), crc.getValue());
    }
    Commit commit = new Commit(tag, iteration, Instant.now(), bytes, crcs);
    synchronized (stages) {
      Map<CheckpointTag, Commit> tags = stages.computeIfAbsent(stage, s -> new LinkedHashMap<>());
      tags.put(tag, commit);
      for (CheckpointTag alias : aliases) {
        tags.put(alias, renamed(commit, alias));
      }
    }
    return stored(stage, commit);
  }

  private static Commit renamed(Commit c, CheckpointTag alias) {
    Map<CheckpointFileName, byte[]> files = new LinkedHashMap<>();
    Map<CheckpointFileName, Long> crcs = new LinkedHashMap<>();
    c.files()
        .forEach(
            (n, b) -> {
              files.put(n.withTag(alias), b); // the same array: an alias costs no copy
              crcs.put(n.withTag(alias), c.crcs().get(n));
            });
    return new Commit(alias, c.iteration(), c.at(), files, crcs);
  }

  @Override
  public StoredCheckpoint alias(StageId stage, CheckpointTag target, Set<CheckpointTag> aliases)
      throws IOException {
    synchronized (stages) {
      Commit c = stages.getOrDefault(stage, Map.of()).get(target);
      if (c == null) {
        throw new CheckpointNotFoundException(
            "stage " + stage + " has no checkpoint committed under " + target.token());
      }
      for (CheckpointTag alias : aliases) {
        stages.get(stage).put(alias, renamed(c, alias));
      }
      return stored(stage, c);
    }
  }

  private static StoredCheckpoint stored(StageId stage, Commit c) {
    List<StoredFile> files = new ArrayList<>();
    c.files().forEach((n, b) -> files.add(new StoredFile(n, b.length, c.crcs().get(n))));
    return new StoredCheckpoint(stage, c.tag(), c.iteration(), files, c.at());
  }

  @Override
  public List<StoredCheckpoint> list(StageId stage) {
    synchronized (stages) {
      List<StoredCheckpoint> out = new ArrayList<>();
      stages.getOrDefault(stage, Map.of()).values().forEach(c -> out.add(stored(stage, c)));
      out.sort(CheckpointResolver.ORDER);
      return out;
    }
  }

  @Override
  public boolean exists(StageId stage) {
    synchronized (stages) {
      return stages.containsKey(stage);
    }
  }

  @Override
  public String location() {
    return location.toString();
  }

  @Override
  public SeekableByteChannel open(StoredCheckpoint checkpoint, StoredFile file) throws IOException {
    byte[] bytes;
    synchronized (stages) {
      Commit c = stages.getOrDefault(checkpoint.stage(), Map.of()).get(checkpoint.tag());
      bytes = c == null ? null : c.files().get(file.name());
    }
    if (bytes == null) {
      throw new CheckpointNotFoundException(
          "checkpoint "
              + checkpoint.describe()
              + " of "
              + checkpoint.stage()
              + " has no file "
              + file.name()
              + " any more");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    if (bytes.length != file.size() || file.hasChecksum() && crc.getValue() != file.crc32c()) {
      throw new CorruptCheckpointException(
          "file " + location(checkpoint, file) + " is not the committed bytes");
    }
    return new ByteArrayChannel(bytes);
  }

  @Override
  public void verify(StoredCheckpoint checkpoint) throws IOException {
    for (StoredFile f : checkpoint.files()) {
      open(checkpoint, f).close();
    }
  }

  /** Flips one byte of a committed file, as damage at rest would (for tests of verification). */
  public void damage(StoredCheckpoint checkpoint, StoredFile file, int offset) {
    synchronized (stages) {
      byte[] b = stages.get(checkpoint.stage()).get(checkpoint.tag()).files().get(file.name());
      b[offset] ^= 0x5a;
    }
  }

  @Override
  public void delete(StageId stage, CheckpointTag tag) {
    synchronized (stages) {
      Map<CheckpointTag, Commit> tags = stages.get(stage);
      if (tags != null) {
        tags.remove(tag);
      }
    }
  }

  @Override
  public List<String> runs() {
    synchronized (stages) {
      return new ArrayList<>(new TreeSet<>(stages.keySet().stream().map(StageId::runId).toList()));
    }
  }

  @Override
  public List<String> stages(String runId) {
    synchronized (stages) {
      List<String> out =
          new ArrayList<>(
              new TreeSet<>(
                  stages.keySet().stream()
                      .filter(s -> s.runId().equals(runId))
                      .map(StageId::stageName)
                      .toList()));
      if (out.isEmpty()) {
        throw new CheckpointNotFoundException(
            "run '"
                + runId
                + "' does not exist in "
                + location
                + "; runs there: "
                + (runs().isEmpty() ? "none" : String.join(", ", runs())));
      }
      return out;
    }
  }

  @Override
  public void close() {}

  /** A read-only seekable channel over a byte array. */
  static final class ByteArrayChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private long position;
    private boolean open = true;

    ByteArrayChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      requireOpen();
      if (position >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), bytes.length - position);
      dst.put(bytes, (int) position, n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
      requireOpen();
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      requireOpen();
      if (newPosition < 0) {
        throw new IllegalArgumentException("negative position " + newPosition);
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      requireOpen();
      return bytes.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }

    private void requireOpen() throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
    }
  }
}
