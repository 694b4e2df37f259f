package ai.noether.core.format;

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
 * Runs real PyTorch through {@code /usr/bin/python3} (the interpreter CI installs torch into).
 * Tests call {@link #assumeAvailable()} first, so they skip where torch is missing.
 */
public final class PythonTorch {
  public static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Boolean available;

  private PythonTorch() {}

  /** True if {@code /usr/bin/python3} can import torch. */
  public static synchronized boolean available() {
    if (available == null) {
      try {
        available = Files.isExecutable(PYTHON) && run(List.of("-c", "import torch")).exitCode == 0;
      } catch (RuntimeException e) {
        available = false;
      }
    }
    return available;
  }

  public static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "/usr/bin/python3 with torch is not installed");
  }

  /** True if {@code /usr/bin/python3} can import {@code module}. */
  public static boolean hasModule(String module) {
    return Files.isExecutable(PYTHON) && run(List.of("-c", "import " + module)).exitCode == 0;
  }

  /**
   * Runs a script with arguments; fails the test with its stderr if it exits non-zero; returns
   * stdout.
   */
  public static String runScript(Path script, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(script.toString());
    argv.addAll(List.of(args));
    Result r = run(argv);
    if (r.exitCode != 0) {
      throw new AssertionError(
          "python " + argv + " exited with " + r.exitCode + ":\n" + r.stderr + r.stdout);
    }
    return r.stdout;
  }

  /** Runs python with arguments and returns exit code and output, whatever the exit code. */
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
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Copies a classpath resource (a script next to the test) to {@code dir} and returns its path.
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
