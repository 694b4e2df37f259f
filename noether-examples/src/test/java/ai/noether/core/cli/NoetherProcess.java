package ai.noether.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code noether} command line in a child JVM, started the way {@code ./noether} starts it
 * (offline, this JVM's class path) with one PyTorch thread, so that it can be killed and signalled
 * like a real training process. Its standard output and error go to a log file that failures show.
 */
final class NoetherProcess implements AutoCloseable {
  private static final Pattern UPDATE = Pattern.compile("\"update\":(\\d+)");
  /** Generous: a loaded 2-core CI machine may start a JVM with PyTorch slowly. */
  static final Duration PATIENCE = Duration.ofMinutes(3);

  private final Process process;
  private final Path log;
  private final String what;

  private NoetherProcess(Process process, Path log, String what) {
    this.process = process;
    this.log = log;
    this.what = what;
  }

  /** Starts {@code noether args...} in {@code workingDir}, logging to {@code log}. */
  static NoetherProcess start(Path workingDir, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Dai.djl.pytorch.num_threads=1");
    command.add("-Dai.djl.pytorch.num_interop_threads=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(NoetherCli.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("OMP_NUM_THREADS", "1");
    Files.writeString(log, "$ noether " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    return new NoetherProcess(builder.start(), log, String.join(" ", args));
  }

  /** Sends a signal ({@code TERM}, {@code INT}, ...) with {@code kill}. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** {@code kill -9}: the process dies at once, wherever it is. */
  void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for the exit and returns the status; fails with the log if it takes too long. */
  int awaitExit() throws IOException, InterruptedException {
    if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("noether " + what + " did not exit within " + PATIENCE + "\n" + log());
    }
    return process.exitValue();
  }

  /**
   * Waits until the stage's {@code history.jsonl} shows training at or past {@code update}, which
   * it writes as it goes; fails with the log if the process ends first or takes too long.
   */
  void awaitUpdate(Path history, long update) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (lastUpdate(history) < update) {
      if (!process.isAlive()) {
        throw new AssertionError("noether " + what + " exited with " + process.exitValue() + " before update "
            + update + "\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("noether " + what + " did not reach update " + update + " within " + PATIENCE
            + "\n" + log());
      }
      Thread.sleep(2);
    }
  }

  /** The highest update {@code history.jsonl} mentions; -1 while it does not exist. */
  static long lastUpdate(Path history) throws IOException {
    if (!Files.exists(history)) {
      return -1;
    }
    long max = -1;
    try {
      for (String line : Files.readAllLines(history, StandardCharsets.UTF_8)) {
        Matcher m = UPDATE.matcher(line);
        if (m.find()) {
          max = Math.max(max, Long.parseLong(m.group(1)));
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return -1; // replaced by a resume between the check and the read
    }
    return max;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the process's output contains {@code text}. */
  void awaitLog(String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!log().contains(text)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("noether " + what + " did not print '" + text + "'\n" + log());
      }
      Thread.sleep(2);
    }
  }

  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      killHard();
    }
  }
}
