package ai.noether.store.s3.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.StageBusyException;
import ai.noether.api.checkpoint.StageClaim;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StageWriter;
import ai.noether.store.s3.ObjectLayer;
import ai.noether.store.s3.S3ConditionFailedException;
import ai.noether.store.s3.S3StoreException;
import ai.noether.store.s3.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage's writer lease in a bucket: the object {@code
 * .noether/leases/<run_id>/<stage_name>.lease} under the store's prefix, created create-only, that
 * names its holder (pid, host, start time, command line) and when it expires. The holder renews it
 * by compare-and-swap every third of the lease duration; closing the claim deletes it.
 *
 * <p>An object store cannot release a lease when its holder dies, as an OS file lock is released.
 * So a lease is taken over when it is stale: its expiry has passed (a holder killed on any machine
 * blocks the stage at most {@code lease_seconds}), or its holder ran on this host and that process
 * no longer exists (a holder killed here blocks nothing). Take-overs use compare-and-swap on the
 * stale lease's ETag, so of two processes taking over the same lease one wins.
 *
 * <p><b>Note:</b> expiry compares the holder's clock with the claimant's; clocks that disagree by
 * more than the lease duration make a lease expire early or late. NTP keeps cluster clocks far
 * closer.
 */
final class S3StageLease implements StageClaim {
  private static final Logger LOG = LoggerFactory.getLogger(S3StageLease.class);

  /** Under the store's prefix, beside the runs; {@code .noether} is never a run id. */
  static final String LEASES = ".noether/leases/";

  private final ObjectLayer objects;
  private final StageId stage;
  private final String name;
  private final StageWriter writer;
  private final Duration duration;
  private final String leaseId = UUID.randomUUID().toString();
  private final ScheduledExecutorService heartbeat;
  // set when the lease is taken, before the heartbeat starts
  private @Nullable String etag;
  private boolean open = true;

  private S3StageLease(ObjectLayer objects, StageId stage, StageWriter writer, Duration duration) {
    this.objects = objects;
    this.stage = stage;
    this.name = name(stage);
    this.writer = writer;
    this.duration = duration;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "noether-s3-lease " + stage);
              t.setDaemon(true);
              return t;
            });
  }

  /** The lease object's name for a stage. */
  static String name(StageId stage) {
    return LEASES
        + stage.runId()
        + "/"
        + (stage.isStageless() ? "_" : stage.stageName())
        + ".lease";
  }

  /** Takes the lease, or refuses with {@link StageBusyException} naming the holder. */
  static S3StageLease acquire(
      ObjectLayer objects, StageId stage, StageWriter writer, Duration duration)
      throws IOException {
    S3StageLease lease = new S3StageLease(objects, stage, writer, duration);
    lease.take();
    long period = Math.max(1, duration.toMillis() / 3);
    lease.heartbeat.scheduleWithFixedDelay(lease::renew, period, period, TimeUnit.MILLISECONDS);
    return lease;
  }

  private void take() throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<StoredObject> current = objects.head(name);
      try {
        if (current.isEmpty()) {
          etag = objects.putIfAbsent(name, content(Instant.now())).etag();
          return;
        }
        Held held = read(current.get());
        String takeOver = held == null ? "it could not be read" : held.staleReason();
        if (takeOver == null) {
          throw busy(held);
        }
        LOG.warn(
            "taking over the writer lease of {} in {}: {}", stage, objects.location(), takeOver);
        etag = objects.putIfMatch(name, content(Instant.now()), current.get().etag()).etag();
        return;
      } catch (S3ConditionFailedException raced) {
        // Another process created or took it over between our look and our write: look again.
        LOG.debug("lost a race for the lease of {}: {}", stage, raced.getMessage());
      }
    }
    Optional<StoredObject> now = objects.head(name);
    Held held = now.isPresent() ? read(now.get()) : null;
    throw busy(held);
  }

  private @Nullable Held read(StoredObject object) throws IOException {
    byte[] bytes;
    try {
      bytes = objects.readBytes(name);
    } catch (S3StoreException e) {
      LOG.debug("cannot read the lease {}: {}", objects.url(name), e.getMessage());
      return null;
    }
    return Held.parse(new String(bytes, StandardCharsets.UTF_8));
  }

  private byte[] content(Instant renewed) {
    String text =
        "pid: "
            + writer.pid()
            + "\nhost: "
            + oneLine(writer.host())
            + "\nstarted: "
            + writer.startedAt()
            + "\ncommand: "
            + oneLine(writer.command())
            + "\nlease: "
            + leaseId
            + "\nrenewed: "
            + renewed
            + "\nexpires: "
            + renewed.plus(duration)
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private synchronized void renew() {
    if (!open) {
      return;
    }
    try {
      etag =
          objects
              .putIfMatch(name, content(Instant.now()), Objects.requireNonNull(etag, "etag"))
              .etag();
    } catch (S3ConditionFailedException e) {
      LOG.error(
          "the writer lease of {} in {} was taken over by another process ({}); this process is no longer "
              + "the stage's only writer",
          stage,
          objects.location(),
          e.getMessage());
      open = false;
      heartbeat.shutdown();
    } catch (RuntimeException e) {
      // A transient failure: the lease lasts three periods, the next renewal may succeed.
      LOG.warn(
          "could not renew the writer lease of {} in {}: {}",
          stage,
          objects.location(),
          e.toString());
    }
  }

  @Override
  public StageId stage() {
    return stage;
  }

  @Override
  public void close() throws IOException {
    heartbeat.shutdownNow();
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
      Optional<StoredObject> current = objects.head(name);
      if (current.isPresent() && unquote(current.get().etag()).equals(unquote(etag))) {
        objects.delete(name);
      }
    }
  }

  // StageBusyException takes a null holder (documented: the store could not tell), which its api
  // signature does not declare yet
  @SuppressWarnings("NullAway")
  private StageBusyException busy(@Nullable Held held) {
    String who =
        held == null
            ? "another process (its lease " + objects.url(name) + " cannot be read yet)"
            : "another process (" + held.writer.describe() + ")";
    String expiry =
        held == null
            ? ""
            : " Its lease "
                + objects.url(name)
                + " was last renewed at "
                + held.renewed
                + " and expires at "
                + held.expires
                + " unless renewed; a writer that was killed gives the stage up then"
                + " (store.lease_seconds), or at once when it ran on this host.";
    return new StageBusyException(
        "stage "
            + stage
            + " in "
            + objects.location()
            + " is being trained by "
            + who
            + ". One process at a time may write a stage: wait until that one ends (or stop it), or train under another"
            + " run_id or stage_name."
            + expiry,
        stage,
        held == null ? null : held.writer);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  private static String unquote(@Nullable String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }

  /** What a lease object says. */
  private record Held(StageWriter writer, Instant renewed, Instant expires) {
    static @Nullable Held parse(String text) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          fields.put(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      if (!fields
          .keySet()
          .containsAll(List.of("pid", "host", "started", "command", "renewed", "expires"))) {
        return null;
      }
      try {
        return new Held(
            new StageWriter(
                Long.parseLong(fields.get("pid")),
                Objects.requireNonNull(fields.get("host")),
                Instant.parse(fields.get("started")),
                Objects.requireNonNull(fields.get("command"))),
            Instant.parse(fields.get("renewed")),
            Instant.parse(fields.get("expires")));
      } catch (NumberFormatException | DateTimeParseException e) {
        return null;
      }
    }

    @Nullable
    String staleReason() {
      if (Instant.now().isAfter(expires)) {
        return "it expired at " + expires + " (" + writer.describe() + ")";
      }
      if (writer.host().equals(LocalHost.NAME)
          && writer.pid() != ProcessHandle.current().pid()
          && ProcessHandle.of(writer.pid()).map(p -> !p.isAlive()).orElse(true)) {
        return "its holder, " + writer.describe() + ", no longer runs on this host";
      }
      return null;
    }
  }
}
