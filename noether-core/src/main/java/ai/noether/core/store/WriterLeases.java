package ai.noether.core.store;

import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Who is training a stage of the file store now, for {@code noether runs}: the writer its lease
 * file names, when that process is alive.
 *
 * <p>The lease is never locked here, not even for an instant: a probe that took the lock would make
 * a {@code train} starting at that moment fail as if the stage were busy. Instead the holder the
 * file names is looked up among this machine's processes by id and start time (so a reused process
 * id does not count); a holder on another machine cannot be checked from here and is reported as
 * such.
 */
public final class WriterLeases {
  /** How far the start time of a live process may differ from the one the lease records. */
  private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

  private WriterLeases() {}

  /**
   * The lease holder of a stage.
   *
   * @param writer the process the lease file names
   * @param elsewhere true when it runs on another machine, so that whether it still runs is unknown
   */
  public record Holder(StageWriter writer, boolean elsewhere) {}

  /** The live writer of {@code stage} under the output directory {@code outputDir}, if any. */
  public static Optional<Holder> liveHolder(Path outputDir, StageId stage) throws IOException {
    Path file = StageLease.file(outputDir, stage);
    Optional<StageWriter> here = StageLease.heldHere(file);
    if (here.isPresent()) {
      return Optional.of(new Holder(here.get(), false));
    }
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    // Reading through a new descriptor is safe: this JVM holds no lock on the file (checked above).
    StageWriter writer =
        StageLease.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    if (writer == null) {
      return Optional.empty();
    }
    if (!writer.host().equals(thisHost())) {
      return Optional.of(new Holder(writer, true));
    }
    if (writer.pid() == ProcessHandle.current().pid()) {
      return Optional.empty(); // this JVM wrote it earlier and released it
    }
    boolean alive =
        ProcessHandle.of(writer.pid())
            .filter(ProcessHandle::isAlive)
            .flatMap(p -> p.info().startInstant())
            .map(
                started ->
                    Duration.between(started, writer.startedAt()).abs().compareTo(START_TOLERANCE)
                        <= 0)
            .orElse(false);
    return alive ? Optional.of(new Holder(writer, false)) : Optional.empty();
  }

  /**
   * Refuses to go on when a live process on this machine trains {@code stage}, with the message a
   * refused lease gives. {@code resume} asks this before it reads the checkpoint to continue: the
   * process that trains the stage keeps committing and retiring checkpoints, so reading first would
   * fail on a checkpoint replaced mid-read instead of naming the process that holds the stage. The
   * lease itself is still taken, and decides, when training starts.
   *
   * @throws StageBusyException if such a process holds the lease
   */
  public static void refuseIfTrainedHere(Path outputDir, StageId stage) throws IOException {
    Optional<Holder> holder = liveHolder(outputDir, stage);
    if (holder.isPresent() && !holder.get().elsewhere()) {
      throw StageLease.busy(stage, holder.get().writer(), StageLease.file(outputDir, stage), false);
    }
  }

  /** The host name as the lease's writer records it (the kernel's, without DNS). */
  private static String thisHost() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    String env = System.getenv("HOSTNAME");
    return env == null ? "unknown" : env.strip();
  }
}
