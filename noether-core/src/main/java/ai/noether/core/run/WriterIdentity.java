package ai.noether.core.run;

import ai.noether.api.checkpoint.StageWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * This process as the {@link StageWriter} of the stages it trains: what a process that is refused
 * the stage shows its user to name the holder.
 */
final class WriterIdentity {
  private static final String MAIN_CLASS = "ai.noether.core.cli.NoetherCli";
  private static final int MAX_COMMAND = 500;
  private static final List<String> CLASS_PATH_OPTIONS =
      List.of("-cp", "-classpath", "--class-path", "-p", "--module-path");

  private WriterIdentity() {}

  /** This process. */
  static StageWriter current() {
    ProcessHandle self = ProcessHandle.current();
    ProcessHandle.Info info = self.info();
    List<String> commandLine = commandLine();
    String shown =
        commandLine.isEmpty()
            ? command(info.arguments().map(List::of).orElse(List.of()), info.command())
            : command(commandLine.subList(1, commandLine.size()), Optional.of(commandLine.get(0)));
    return new StageWriter(self.pid(), host(), info.startInstant().orElseGet(Instant::now), shown);
  }

  /**
   * The command line from {@code /proc/self/cmdline}, executable first; empty where there is none.
   * {@link ProcessHandle.Info#arguments()} gives none on Linux once the command line is longer than
   * a page, which a JVM's class path alone usually is.
   */
  private static List<String> commandLine() {
    try {
      Path cmdline = Path.of("/proc/self/cmdline");
      if (!Files.isReadable(cmdline)) {
        return List.of();
      }
      String text =
          new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8);
      List<String> parts = new ArrayList<>(List.of(text.split("\0")));
      parts.removeIf(String::isEmpty);
      return parts;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * The command line shortened for people: {@code noether train cfg.yaml ...} for the command line,
   * else the JVM's own with class paths left out, at most {@value #MAX_COMMAND} characters.
   */
  static String command(List<String> arguments, Optional<String> executable) {
    int main = arguments.indexOf(MAIN_CLASS);
    List<String> shown = new ArrayList<>();
    if (main >= 0) {
      shown.add("noether");
      shown.addAll(arguments.subList(main + 1, arguments.size()));
    } else {
      executable.ifPresent(shown::add);
      for (int i = 0; i < arguments.size(); i++) {
        shown.add(arguments.get(i));
        if (CLASS_PATH_OPTIONS.contains(arguments.get(i)) && i + 1 < arguments.size()) {
          shown.add("...");
          i++;
        }
      }
    }
    String text = String.join(" ", shown);
    return text.length() <= MAX_COMMAND ? text : text.substring(0, MAX_COMMAND - 3) + "...";
  }

  /** The kernel's host name without a DNS lookup (which can hang on a badly configured node). */
  private static String host() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    for (String variable : List.of("HOSTNAME", "COMPUTERNAME")) {
      String name = System.getenv(variable);
      if (name != null && !name.isBlank()) {
        return name.strip();
      }
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
