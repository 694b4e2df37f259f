package ai.noether.core.training;

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

  /** A stop with its reason. */
  public record Stop(Kind kind, String reason) {}

  private final AtomicReference<Stop> stop = new AtomicReference<>();

  /** Requests a stop; returns false if one was already requested. */
  public boolean request(Kind kind, String reason) {
    return stop.compareAndSet(null, new Stop(kind, reason));
  }

  /** The request, or null. */
  public Stop get() {
    return stop.get();
  }

  public boolean isRequested() {
    return stop.get() != null;
  }
}
