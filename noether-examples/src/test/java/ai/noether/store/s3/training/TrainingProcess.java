package ai.noether.store.s3.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code noether} command line in a child JVM (this JVM's class path, offline, one PyTorch
 * thread), with the S3 credentials and endpoint in its environment as a job on a cluster would have
 * them, so that it can be killed with {@code kill -9} like a real training process.
 */
final class TrainingProcess implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofMinutes(4);
  private static final Pattern UPDATE = Pattern.compile("\"update\":(\\d+)");

  private final Process process;
  private final Path log;
  private final String what;

  private TrainingProcess(Process process, Path log, String what) {
    this.process = process;
    this.log = log;
    this.what = what;
  }

  static TrainingProcess start(Path workingDir, Map<String, String> env, List<String> args) throws IOException {
    Files.createDirectories(workingDir);
    Path log = workingDir.resolve("noether.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Dai.djl.pytorch.num_threads=1");
    command.add("-Dai.djl.pytorch.num_interop_threads=1");
    command.add("-Daws.disableEc2Metadata=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("ai.noether.core.cli.NoetherCli");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().putAll(env);
    Files.writeString(log, "$ noether " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return new TrainingProcess(builder.start(), log, String.join(" ", args));
  }

  void killHard() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    process.waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int awaitExit() throws IOException, InterruptedException {
    if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("noether " + what + " did not exit within " + PATIENCE + "\n" + log());
    }
    return process.exitValue();
  }

  /** Fails with the log when the process has ended or the deadline passed. */
  void requireRunning(long deadline, String waitingFor) throws IOException {
    if (!process.isAlive()) {
      throw new AssertionError("noether " + what + " exited with " + process.exitValue() + " while waiting for "
          + waitingFor + "\n" + log());
    }
    if (System.nanoTime() > deadline) {
      throw new AssertionError("noether " + what + " did not get to " + waitingFor + " within " + PATIENCE + "\n" + log());
    }
  }

  /** Waits until {@code history.jsonl} shows training at or past {@code update}. */
  void awaitUpdate(Path history, long update) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (lastUpdate(history) < update) {
      requireRunning(deadline, "update " + update);
      Thread.sleep(2);
    }
  }

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
    } catch (java.nio.file.NoSuchFileException | java.nio.charset.MalformedInputException e) {
      return max;
    }
    return max;
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
