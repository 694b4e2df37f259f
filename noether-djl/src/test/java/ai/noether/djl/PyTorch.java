package ai.noether.djl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs scripts with the system Python's PyTorch ({@code /usr/bin/python3}), for interop tests. */
public final class PyTorch {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Boolean available;

  private PyTorch() {}

  /** True when {@code /usr/bin/python3} can import torch. */
  public static synchronized boolean available() {
    if (available == null) {
      try {
        Process p =
            new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        available = p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
      } catch (IOException | InterruptedException e) {
        available = false;
      }
    }
    return available;
  }

  /**
   * Runs {@code script} with {@code workDir} as its first argument and returns its output.
   *
   * @throws AssertionError if the script fails, with its output
   */
  public static String run(String script, Path workDir) throws IOException, InterruptedException {
    Path file = workDir.resolve("script.py");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(PYTHON.toString(), file.toString(), workDir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("python failed:\n" + output);
    }
    return output;
  }
}
