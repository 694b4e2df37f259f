package ai.noether.core.training;

import ai.noether.api.Nullable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop training at the next update boundary. Set by callbacks (early stopping), by
 * signal handlers (SIGTERM, SIGINT, SIGUSR1) or by a deadline; read by the loop after each update.
 * The first request wins; its kind decides what checkpoint is written.
 */
public final class StopRequest {

  /** Why training stops early. */
  public enum Kind {
    /** A callback decided training is done (early stopping, fixed stop): a normal end. */
    FINISHED,
    /** The process was asked to terminate: write an emergency checkpoint and exit. */
    INTERRUPTED
  }

  /**
   * A stop with its reason.
   *
   * @param kind finished or interrupted
   * @param reason what the log and the user see, e.g. {@code SIGTERM received}
   * @param checkpointReason for an interruption, the lower-case word of the emergency checkpoint's
   *     tag ({@code signal} in {@code E3_U1234_S39488.signal}); null for a finished run
   */
  public record Stop(Kind kind, String reason, @Nullable String checkpointReason) {
    public Stop {
      if ((kind == Kind.INTERRUPTED) != (checkpointReason != null)) {
        throw new IllegalArgumentException(
            "an interruption, and only an interruption, names its emergency checkpoint's reason: "
                + kind
                + " with "
                + checkpointReason);
      }
    }

    /**
     * The word of the emergency checkpoint's tag.
     *
     * @throws IllegalStateException for a finished run, which writes no emergency checkpoint
     */
    public String emergencyReason() {
      if (checkpointReason == null) {
        throw new IllegalStateException("a " + kind + " stop writes no emergency checkpoint");
      }
      return checkpointReason;
    }
  }

  private final AtomicReference<Stop> stop = new AtomicReference<>();

  /** Requests a normal end of training; returns false if a stop was already requested. */
  public boolean requestFinish(String reason) {
    return stop.compareAndSet(null, new Stop(Kind.FINISHED, reason, null));
  }

  /**
   * Requests an interruption with an emergency checkpoint tagged {@code checkpointReason}; returns
   * false if a stop was already requested.
   */
  public boolean requestInterrupt(String reason, String checkpointReason) {
    return stop.compareAndSet(null, new Stop(Kind.INTERRUPTED, reason, checkpointReason));
  }

  /** The request, or null. */
  public @Nullable Stop get() {
    return stop.get();
  }

  public boolean isRequested() {
    return stop.get() != null;
  }
}
