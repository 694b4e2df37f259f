package ai.noether.djl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM with this JVM's class path, the way a resumed run starts. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code mainClass} with {@code args} and returns its standard output.
   *
   * @throws AssertionError if it does not exit with 0 within two minutes, with its output
   */
  public static String run(Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("child-jvm", ".log");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Dai.djl.offline=true");
      for (String property :
          new String[] {"ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads"}) {
        if (System.getProperty(property) != null) {
          command.add("-D" + property + "=" + System.getProperty(property));
        }
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(mainClass.getName());
      command.addAll(List.of(args));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(false)
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(mainClass.getSimpleName() + " did not finish within two minutes");
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            mainClass.getSimpleName() + " exited with " + p.exitValue() + ":\n" + output);
      }
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
