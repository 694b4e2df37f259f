package ai.noether.testkit;

import ai.noether.api.Nullable;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code noether} command line in a child JVM, started the way {@code ./noether} starts it
 * (offline, this JVM's class path, so the plugins under test are there) with one PyTorch thread, so
 * that a test can kill it with {@code kill -9} or signal it like a real training job. Its standard
 * output and error go to a log file that every failure shows.
 *
 * <pre>{@code
 * try (NoetherProcess p = NoetherProcess.start(dir, dir.resolve("train.log"), "train", "run.yaml", "run_id=a")) {
 *   p.awaitUpdate(dir.resolve("runs/a/train/history.jsonl"), 20);
 *   p.killHard();
 * }
 * }</pre>
 */
public final class NoetherProcess implements AutoCloseable {
  /**
   * How long a process may take to get anywhere: generous, a loaded 2-core CI machine starts
   * PyTorch slowly.
   */
  public static final Duration PATIENCE = Duration.ofMinutes(4);

  private static final Pattern UPDATE = Pattern.compile("\"update\":(\\d+)");
  private static final String CLI = "ai.noether.core.cli.NoetherCli";

  private final Process process;
  private final Path log;
  private final String what;

  private NoetherProcess(Process process, Path log, String what) {
    this.process = process;
    this.log = log;
    this.what = what;
  }

  /** Starts {@code noether args...} in {@code workingDir}, appending its output to {@code log}. */
  public static NoetherProcess start(Path workingDir, Path log, String... args) throws IOException {
    return builder(args).workingDir(workingDir).log(log).start();
  }

  /** A process for {@code noether args...}, to configure before it starts. */
  public static Builder builder(String... args) {
    return new Builder(List.of(args));
  }

  /** Sends a signal ({@code TERM}, {@code INT}, ...) with {@code kill}. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** {@code kill -9}: the process dies at once, wherever it is. */
  public void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * Waits for the exit and returns the status; fails with the log if it takes longer than {@link
   * #PATIENCE}.
   */
  public int awaitExit() throws IOException, InterruptedException {
    if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "noether " + what + " did not exit within " + PATIENCE + "\n" + log());
    }
    return process.exitValue();
  }

  /**
   * Fails with the log when the process has ended, or when {@code deadline} ({@link
   * System#nanoTime}) passed.
   */
  public void requireRunning(long deadline, String waitingFor) throws IOException {
    if (!process.isAlive()) {
      throw new AssertionError(
          "noether "
              + what
              + " exited with "
              + process.exitValue()
              + " while waiting for "
              + waitingFor
              + "\n"
              + log());
    }
    if (System.nanoTime() > deadline) {
      throw new AssertionError(
          "noether "
              + what
              + " did not get to "
              + waitingFor
              + " within "
              + PATIENCE
              + "\n"
              + log());
    }
  }

  /**
   * Waits until the stage's {@code history.jsonl} shows training at or past {@code update}, which
   * it writes as it goes; fails with the log if the process ends first or takes too long.
   */
  public void awaitUpdate(Path history, long update) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (lastUpdate(history) < update) {
      requireRunning(deadline, "update " + update);
      Thread.sleep(2);
    }
  }

  /**
   * Waits until the process's output contains {@code text}; fails with the log if it ends first or
   * takes too long.
   */
  public void awaitLog(String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!log().contains(text)) {
      requireRunning(deadline, "printing '" + text + "'");
      Thread.sleep(2);
    }
  }

  /** The highest update {@code history} mentions; -1 while it does not exist. */
  public static long lastUpdate(Path history) throws IOException {
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
    } catch (NoSuchFileException | MalformedInputException e) {
      // Replaced by a resume between the check and the read, or read half-written: what was seen.
      return max;
    }
    return max;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process printed so far, after the command line it ran. */
  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      killHard();
    }
  }

  /** Configures a {@link NoetherProcess} before it starts. */
  public static final class Builder {
    private final List<String> args;
    private Path workingDir = Path.of("").toAbsolutePath();
    private @Nullable Path log;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder(List<String> args) {
      this.args = List.copyOf(args);
    }

    /** Where it runs (created if missing); default this JVM's working directory. */
    public Builder workingDir(Path dir) {
      this.workingDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The file its output is appended to; default {@code noether.log} in the working directory. */
    public Builder log(Path file) {
      this.log = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Adds environment variables (credentials, endpoints) to this JVM's. */
    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** Adds an option of the child JVM, such as {@code -Daws.disableEc2Metadata=true}. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    public NoetherProcess start() throws IOException {
      Files.createDirectories(workingDir);
      Path logFile = log != null ? log : workingDir.resolve("noether.log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Dai.djl.offline=true");
      command.add("-Dai.djl.pytorch.num_threads=1");
      command.add("-Dai.djl.pytorch.num_interop_threads=1");
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(CLI);
      command.addAll(args);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workingDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().put("OMP_NUM_THREADS", "1");
      builder.environment().putAll(env);
      Files.writeString(
          logFile,
          "$ noether " + String.join(" ", args) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new NoetherProcess(builder.start(), logFile, String.join(" ", args));
    }
  }
}
