package ai.noether.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Lower layers of core name no upper one: the command line depends on the run assembly and the
 * trainer, never the other way round, so that each can be read, tested and embedded alone.
 */
class PackageCyclesTest {
  static final Path SOURCES = Path.of("src/main/java/ai/noether/core");

  /** A package and the packages it must not name. */
  static final Map<String, List<String>> FORBIDDEN =
      Map.of(
          "run", List.of("ai.noether.core.cli."),
          "training", List.of("ai.noether.core.cli.", "ai.noether.core.run."),
          "store", List.of("ai.noether.core.cli.", "ai.noether.core.run."),
          "checkpoint", List.of("ai.noether.core.cli.", "ai.noether.core.run."));

  @Test
  void noLowerPackageNamesAnUpperOne() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, List<String>> rule : FORBIDDEN.entrySet()) {
      try (Stream<Path> files = Files.walk(SOURCES.resolve(rule.getKey()))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          for (String line : Files.readAllLines(file)) {
            for (String upper : rule.getValue()) {
              if (line.startsWith("import " + upper) || line.startsWith("import static " + upper)) {
                violations.add(
                    SOURCES.relativize(file) + " imports " + line.substring(line.indexOf(' ') + 1));
              }
            }
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theCheckSeesAViolation() throws IOException {
    // The rule matches what a real import would contain, so the test above can fail.
    assertThat("import ai.noether.core.cli.NoetherCli;")
        .startsWith("import " + FORBIDDEN.get("run").get(0));
    assertThat(Files.isDirectory(SOURCES.resolve("run"))).isTrue();
  }
}
