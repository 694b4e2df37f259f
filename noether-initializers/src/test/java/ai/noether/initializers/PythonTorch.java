package ai.noether.initializers;

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
 * Runs scripts with the real PyTorch of {@code /usr/bin/python3} (where CI installs torch). Tests
 * call {@link #assumeAvailable()} first and are skipped where torch is missing.
 */
public final class PythonTorch {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Boolean available;

  private PythonTorch() {}

  /** Skips the calling test unless {@code /usr/bin/python3} can import torch. */
  public static synchronized void assumeAvailable() {
    if (available == null) {
      available = Files.isExecutable(PYTHON) && run(List.of("-c", "import torch, numpy")).exitCode() == 0;
    }
    Assumptions.assumeTrue(available, "/usr/bin/python3 with torch and numpy is not installed");
  }

  /**
   * Copies the script {@code name}, a test resource next to {@code near}, into {@code dir} and runs
   * it with {@code args}; fails the test with its output if it exits non-zero.
   *
   * @return its standard output
   */
  public static String runScript(Class<?> near, String name, Path dir, String... args) {
    Path script = dir.resolve(name);
    try (InputStream in = near.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name + " next to " + near.getName());
      }
      Files.write(script, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> argv = new ArrayList<>(List.of(script.toString()));
    argv.addAll(List.of(args));
    Result r = run(argv);
    if (r.exitCode() != 0) {
      throw new AssertionError("python " + argv + " exited with " + r.exitCode() + ":\n" + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  private static Result run(List<String> args) {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
    command.addAll(args);
    try {
      Process p = new ProcessBuilder(command).start();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      String out = readAll(p.getInputStream());
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("python " + args + " did not finish in 5 minutes");
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      return new Result(-1, "", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {}
}
