package ai.noether.core.store;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writer lease of one stage: the file store's {@link StageClaim}. It is an exclusive OS lock on
 * {@code <output_dir>/.noether/leases/<run_id>/<stage_name>.lease}, held from the claim until it is
 * closed or the process ends (the kernel releases it then, so a lease of a killed process never
 * blocks), plus a registry of the leases this JVM holds: OS file locks belong to the whole process,
 * so a second claim from this JVM must be refused before it touches the file. It is a different
 * file from {@link StageLock}'s, which orders single writes and is taken and released around each
 * of them.
 *
 * <p>The holder writes who it is into the file (process id, host, start time, command line), so
 * that a refused process can name it; the file is left in place when the lease ends, because
 * deleting a lock file would let two processes lock two different files of the same name.
 *
 * <p><b>Note:</b> POSIX locks are dropped when the process closes <em>any</em> descriptor of the
 * file, which is why this JVM never opens the lease file of a stage it holds.
 */
final class StageLease implements StageClaim {
  static final String DIRECTORY = ".noether";
  static final String LEASES = "leases";
  static final String SUFFIX = ".lease";
  private static final ConcurrentHashMap<Path, StageLease> HELD = new ConcurrentHashMap<>();

  /**
   * How long a refused claim waits for the holder, which has just taken the lock, to say who it is.
   */
  private static final long DESCRIBE_PATIENCE_MILLIS = 1000;

  private final Path file;
  private final StageId stage;
  private final StageWriter writer;
  private @Nullable FileChannel channel;
  private @Nullable FileLock lock;

  private StageLease(Path file, StageId stage, StageWriter writer) {
    this.file = file;
    this.stage = stage;
    this.writer = writer;
  }

  /** The writer of this JVM that holds the lease in {@code file}, if one does. */
  static java.util.Optional<StageWriter> heldHere(Path file) {
    StageLease held = HELD.get(file.toAbsolutePath().normalize());
    return held == null ? java.util.Optional.empty() : java.util.Optional.of(held.writer);
  }

  /**
   * {@code <output_dir>/.noether/leases/<run_id>/<stage_name>.lease}; hidden from every run
   * listing.
   */
  static Path file(Path outputDir, StageId stage) {
    return outputDir
        .resolve(DIRECTORY)
        .resolve(LEASES)
        .resolve(stage.runId())
        .resolve(stage.stageName() + SUFFIX);
  }

  /**
   * Takes the lease of {@code stage} in {@code file}, whose directory exists.
   *
   * @throws StageBusyException if this JVM or another process holds it
   */
  static StageLease acquire(Path file, StageId stage, StageWriter writer) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    StageLease lease = new StageLease(key, stage, writer);
    StageLease held = HELD.putIfAbsent(key, lease);
    if (held != null) {
      throw busy(stage, held.writer, key, true);
    }
    try {
      lease.lockOrRefuse();
      return lease;
    } catch (IOException | RuntimeException | Error e) {
      HELD.remove(key, lease);
      throw e;
    }
  }

  private void lockOrRefuse() throws IOException {
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.channel = channel;
    try {
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        // Another channel of this JVM, outside this registry, locks the file.
        lock = null;
      }
      if (lock == null) {
        StageWriter holder = readHolder(channel);
        throw busy(stage, holder, file, false);
      }
      byte[] text = format(writer).getBytes(StandardCharsets.UTF_8);
      channel.truncate(0);
      ByteBuffer buffer = ByteBuffer.wrap(text);
      long position = 0;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
    } catch (IOException | RuntimeException | Error e) {
      closeChannel(channel, e);
      throw e;
    }
  }

  @Override
  public StageId stage() {
    return stage;
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel == null) {
      return;
    }
    try {
      // Closing the channel releases the lock too; releasing first keeps the order explicit.
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } finally {
      try {
        channel.close();
      } finally {
        channel = null;
        HELD.remove(file, this);
      }
    }
  }

  private void closeChannel(FileChannel channel, Throwable failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    this.channel = null;
  }

  static StageBusyException busy(
      StageId stage, @Nullable StageWriter holder, Path file, boolean thisProcess) {
    String who =
        holder == null
            ? "another process (it has just started and has not said who it is yet)"
            : (thisProcess ? "this process already (" : "another process (")
                + holder.describe()
                + ")";
    return new StageBusyException(
        "stage "
            + stage
            + " is being trained by "
            + who
            + ". One process at a time may "
            + "write a stage: wait until that one ends (or stop it), or train under another run_id or stage_name. "
            + "The lease is "
            + file
            + "; the operating system releases it when its holder ends, even when it is killed.",
        stage,
        holder);
  }

  /** The holder's description; retried briefly, since the holder writes it right after locking. */
  private static @Nullable StageWriter readHolder(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + DESCRIBE_PATIENCE_MILLIS * 1_000_000;
    while (true) {
      StageWriter holder = parse(read(channel));
      if (holder != null || System.nanoTime() > deadline) {
        return holder;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private static String read(FileChannel channel) throws IOException {
    // The file is a few hundred bytes; a larger one is not ours, and its head is enough.
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    long position = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        break;
      }
      position += n;
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  static String format(StageWriter writer) {
    return "pid: "
        + writer.pid()
        + "\nhost: "
        + oneLine(writer.host())
        + "\nstarted: "
        + writer.startedAt()
        + "\ncommand: "
        + oneLine(writer.command())
        + "\n";
  }

  /** The writer a lease file describes, or null when it is empty, partial or not ours. */
  static @Nullable StageWriter parse(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    if (!text.endsWith("\n")
        || !fields.keySet().containsAll(java.util.List.of("pid", "host", "started", "command"))) {
      return null;
    }
    try {
      return new StageWriter(
          // containsAll above saw every key
          Long.parseLong(fields.get("pid")),
          Objects.requireNonNull(fields.get("host")),
          Instant.parse(fields.get("started")),
          Objects.requireNonNull(fields.get("command")));
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
