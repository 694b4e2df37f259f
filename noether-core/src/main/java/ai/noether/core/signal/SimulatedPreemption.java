package ai.noether.core.signal;

import ai.noether.api.callback.Callback;
import ai.noether.api.callback.TrainingContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this process SIGTERM once a given update is done, the way a cluster scheduler preempts a
 * job, so that the whole interruption path (signal handler, emergency checkpoint, exit status 3,
 * resume) can be watched or tested on a laptop. {@code noether train --interrupt-at-update N} adds
 * it; it is never part of a configuration.
 *
 * <p>After sending the signal it waits until the handler has requested the stop, so the
 * interruption happens at exactly update {@code N} however late the signal is delivered.
 *
 * <p><b>Note:</b> without {@link StopSignals} installed, SIGTERM ends the JVM; the command line
 * installs them before training.
 */
public final class SimulatedPreemption implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedPreemption.class);
  private static final long DELIVERY_TIMEOUT_MILLIS = 10_000;

  private final long atUpdate;
  private boolean sent;

  /** Preempts once update {@code atUpdate} (positive) is done. */
  public SimulatedPreemption(long atUpdate) {
    if (atUpdate <= 0) {
      throw new IllegalArgumentException(
          "the update to interrupt at must be positive, was " + atUpdate);
    }
    this.atUpdate = atUpdate;
  }

  @Override
  public void beforeTraining(TrainingContext context) {
    // A run resumed past the update is not preempted again.
    sent = context.iteration().update() >= atUpdate;
  }

  @Override
  public void afterUpdate(TrainingContext context) {
    if (sent || context.iteration().update() < atUpdate) {
      return;
    }
    sent = true;
    long pid = ProcessHandle.current().pid();
    LOG.warn(
        "simulating a preemption at update {}: sending SIGTERM to this process ({})",
        atUpdate,
        pid);
    try {
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(pid)).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException(
            "'kill -TERM " + pid + "' failed with status " + kill.exitValue());
      }
      long deadline = System.currentTimeMillis() + DELIVERY_TIMEOUT_MILLIS;
      while (!context.stopRequested() && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not run 'kill' to simulate a preemption: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
