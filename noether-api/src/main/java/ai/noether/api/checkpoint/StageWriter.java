package ai.noether.api.checkpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * Who writes a stage: the process that holds its {@link StageClaim}. Stores record it with the
 * claim so that a process that is refused can say which one holds the stage.
 *
 * @param pid the process id on {@code host}
 * @param host the host name of the machine the process runs on; never null, possibly {@code
 *     "unknown"}
 * @param startedAt when the process started; never null
 * @param command the command line that started it, shortened for people to read (for the {@code
 *     noether} command line, {@code noether train ...}); never null, possibly empty
 */
public record StageWriter(long pid, String host, Instant startedAt, String command) {
  public StageWriter {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(command, "command");
  }

  /** {@code pid 4242 on host node17, started 2026-03-15T14:22:33Z, command: noether train ...}. */
  public String describe() {
    return "pid "
        + pid
        + " on host "
        + host
        + ", started "
        + startedAt
        + (command.isEmpty() ? "" : ", command: " + command);
  }
}
