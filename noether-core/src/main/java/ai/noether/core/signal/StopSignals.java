package ai.noether.core.signal;

import ai.noether.api.Nullable;
import ai.noether.core.training.StopRequest;
import ai.noether.core.training.Trainer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM, SIGINT and SIGUSR1 into a {@link StopRequest} of kind {@link
 * StopRequest.Kind#INTERRUPTED}: the trainer finishes the current update, writes an emergency
 * checkpoint and returns, and the command line exits with its "interrupted" status.
 *
 * <p>Two safety nets keep the exit bounded:
 *
 * <ul>
 *   <li>a second SIGINT (Ctrl+C twice) halts the JVM at once with status {@value #EXIT_FORCED}.
 *       Nothing is corrupted by this: checkpoints become visible only through an atomic commit, so
 *       a save cut short leaves the previous checkpoints as they were;
 *   <li>if the process is still running {@code timeout} after the first signal (an update or a save
 *       that hangs), it halts with status {@value #EXIT_STOP_TIMEOUT} and says so.
 * </ul>
 *
 * <p>{@link #close()} ends both when the stage is over: the watchdog of a stop that completed must
 * not halt a JVM that goes on (an application or a test that trains several stages in one process),
 * and the handlers that were there before come back.
 *
 * <p><b>Note:</b> uses {@code sun.misc.Signal}, the JDK's only signal API. Installing replaces the
 * JVM's default handlers (which would run shutdown hooks and exit without a checkpoint); only the
 * command line installs it, never a library.
 */
public final class StopSignals implements AutoCloseable {
  /** Exit status after a second Ctrl+C: 128 + SIGINT, as shells report it. */
  public static final int EXIT_FORCED = 130;

  /** Exit status when the graceful stop took longer than the configured timeout. */
  public static final int EXIT_STOP_TIMEOUT = 124;

  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
  private static final List<String> SIGNALS = List.of("TERM", "INT", "USR1");

  private final StopRequest stop;
  private final Duration timeout;
  private final AtomicBoolean received = new AtomicBoolean();
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private volatile @Nullable Thread watchdog;
  private volatile boolean closed;

  private StopSignals(StopRequest stop, Duration timeout) {
    this.stop = stop;
    this.timeout = timeout;
  }

  /**
   * Installs the handlers for this process.
   *
   * @param timeout how long a graceful stop may take before the process halts
   */
  public static StopSignals install(StopRequest stop, Duration timeout) {
    StopSignals handlers = new StopSignals(stop, timeout);
    for (String name : SIGNALS) {
      try {
        Signal signal = new Signal(name);
        handlers.previous.put(signal, Signal.handle(signal, handlers::onSignal));
      } catch (IllegalArgumentException e) {
        // The JVM or the OS reserves this signal here (e.g. SIGUSR1 under some debuggers).
        LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
    return handlers;
  }

  private void onSignal(Signal signal) {
    if (closed) {
      return;
    }
    String name = "SIG" + signal.getName();
    if (!received.compareAndSet(false, true)) {
      if (signal.getName().equals("INT")) {
        System.err.println(
            "noether: second interrupt, exiting now; the newest committed checkpoint is intact");
        Runtime.getRuntime().halt(EXIT_FORCED);
      }
      LOG.warn("{} received; already stopping", name);
      return;
    }
    stop.requestInterrupt(name + " received", Trainer.REASON_SIGNAL);
    LOG.warn(
        "{} received: finishing the current update, then writing an emergency checkpoint "
            + "(press Ctrl+C again to exit at once)",
        name);
    Thread thread = new Thread(this::haltAfterTimeout, "noether-stop-watchdog");
    thread.setDaemon(true);
    watchdog = thread;
    thread.start();
  }

  /**
   * Ends the watchdog of a stop that completed and puts back the handlers that were installed
   * before.
   */
  @Override
  public void close() {
    closed = true;
    Thread thread = watchdog;
    if (thread != null) {
      thread.interrupt();
    }
    previous.forEach(
        (signal, handler) -> {
          try {
            Signal.handle(signal, handler);
          } catch (IllegalArgumentException e) {
            LOG.debug("cannot restore the handler of SIG{}: {}", signal.getName(), e.getMessage());
          }
        });
  }

  private void haltAfterTimeout() {
    try {
      Thread.sleep(timeout.toMillis());
    } catch (InterruptedException e) {
      return;
    }
    if (closed) {
      return;
    }
    System.err.println(
        "noether: the graceful stop took longer than "
            + timeout.toSeconds()
            + " s (trainer.stop_timeout_seconds); exiting without an emergency checkpoint. "
            + "The newest committed checkpoint is intact.");
    Runtime.getRuntime().halt(EXIT_STOP_TIMEOUT);
  }
}
