package ai.noether.testkit;

import ai.noether.api.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs scripts with the real PyTorch of {@code /usr/bin/python3} (where CI installs torch), for
 * tests that check files against PyTorch itself. Tests call {@link #assumeAvailable} first and are
 * skipped where torch (or another module they need) is missing.
 */
public final class PythonTorch {
  /** The interpreter: the one on PATH may lack torch. */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  private static @Nullable Boolean available;

  private PythonTorch() {}

  /** True if {@code /usr/bin/python3} can import torch. */
  public static synchronized boolean available() {
    Boolean known = available;
    if (known == null) {
      known = hasModule("torch");
      available = known;
    }
    return known;
  }

  /**
   * Skips the calling test unless {@code /usr/bin/python3} can import torch and every module named.
   */
  public static void assumeAvailable(String... modules) {
    Assumptions.assumeTrue(available(), "/usr/bin/python3 with torch is not installed");
    for (String module : modules) {
      Assumptions.assumeTrue(hasModule(module), "/usr/bin/python3 cannot import " + module);
    }
  }

  /** True if {@code /usr/bin/python3} can import {@code module}. */
  public static boolean hasModule(String module) {
    return Files.isExecutable(PYTHON) && run(List.of("-c", "import " + module)).exitCode() == 0;
  }

  /**
   * Runs a script with arguments; fails the test with its output if it exits non-zero; returns
   * stdout.
   */
  public static String runScript(Path script, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(script.toString());
    argv.addAll(List.of(args));
    Result r = run(argv);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          "python " + argv + " exited with " + r.exitCode() + ":\n" + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  /**
   * Copies the script {@code name}, a test resource next to {@code near}, into {@code dir} and runs
   * it with {@code args}, as {@link #runScript(Path, String...)}.
   */
  public static String runScript(Class<?> near, String name, Path dir, String... args) {
    return runScript(script(near, name, dir), args);
  }

  /**
   * Runs python with arguments and returns its exit code and output, whatever the exit code (-1
   * when it could not start); fails the test after 10 minutes.
   */
  public static Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(PYTHON.toString());
    command.addAll(args);
    try {
      Process p = new ProcessBuilder(command).start();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      String out = readAll(p.getInputStream());
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("python " + args + " did not finish in 10 minutes");
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      return new Result(-1, "", String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Copies a class path resource (a script next to the test class {@code near}) to {@code dir};
   * returns its path.
   */
  public static Path script(Class<?> near, String name, Path dir) {
    try (InputStream in = near.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing test resource " + name + " next to " + near.getName());
      }
      Path target = dir.resolve(name);
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a python run returned. */
  public record Result(int exitCode, String stdout, String stderr) {}
}
