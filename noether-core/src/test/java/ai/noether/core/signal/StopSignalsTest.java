package ai.noether.core.signal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.core.training.StopRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/**
 * The stop watchdog belongs to one stage: once the stage is over ({@link StopSignals#close()}), a
 * JVM that goes on (an application training several stages, a test run) is never halted by it. In a
 * child JVM, since a failure halts the process.
 */
class StopSignalsTest {
  @Test
  void aClosedStopNeverHaltsTheJvmThatGoesOn() throws Exception {
    Result closed = child("close");
    assertThat(closed.exit()).as(closed.output()).isZero();
    assertThat(closed.output()).contains("stop requested: true").contains("still running");
  }

  @Test
  void withoutCloseTheWatchdogHaltsAHangingStopWithItsStatus() throws Exception {
    // The same child without close(): the safety net for a stop that hangs still works.
    Result open = child("keep");
    assertThat(open.exit()).as(open.output()).isEqualTo(StopSignals.EXIT_STOP_TIMEOUT);
    assertThat(open.output()).doesNotContain("still running");
  }

  record Result(int exit, String output) {}

  private static Result child(String mode) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName(),
            mode);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /**
   * Installs the handlers with a 200 ms timeout, raises SIGUSR1, closes (or not), waits a second.
   */
  static final class Child {
    public static void main(String[] args) throws Exception {
      StopRequest stop = new StopRequest();
      StopSignals signals = StopSignals.install(stop, Duration.ofMillis(200));
      Signal.raise(new Signal("USR1"));
      for (int i = 0; i < 100 && !stop.isRequested(); i++) {
        Thread.sleep(10);
      }
      System.out.println("stop requested: " + stop.isRequested());
      if (args[0].equals("close")) {
        signals.close();
      }
      Thread.sleep(1000);
      System.out.println("still running");
    }
  }
}
