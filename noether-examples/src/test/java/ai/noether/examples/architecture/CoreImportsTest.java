package ai.noether.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin modules live on {@code noether-api}: their main sources name no class of {@code
 * noether-core} at all. What they need of the framework reaches them as api interfaces, injected by
 * the process injector (into factories and command providers) or the run's injector (into
 * components), or, for engine code outside injection, served by {@code FrameworkServices}. The poms
 * of {@code noether-djl}, {@code noether-callbacks} and {@code noether-initializers} keep core out
 * of the compile scope, so the compiler enforces it too; this test also covers the plugin example
 * and names the offending line.
 */
class CoreImportsTest {
  static final Path ROOT = Path.of("..");

  /** The modules whose main sources must name no core class. */
  static final List<String> MODULES =
      List.of(
          "noether-djl",
          "noether-callbacks",
          "noether-initializers",
          "noether-examples/plugin-example");

  private static final Pattern CORE_NAME =
      Pattern.compile("\\bai\\.noether\\.core\\.(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*");

  @Test
  void pluginModulesNameNoCoreClass() throws IOException {
    List<String> named = new ArrayList<>();
    int files = 0;
    for (String module : MODULES) {
      Path sources = ROOT.resolve(module).resolve("src/main/java");
      List<Path> javaFiles;
      try (Stream<Path> walk = Files.walk(sources)) {
        javaFiles = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      }
      for (Path file : javaFiles) {
        files++;
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
            continue; // javadoc may name core classes for the reader
          }
          Matcher m = CORE_NAME.matcher(line);
          while (m.find()) {
            named.add(ROOT.relativize(file) + ":" + (i + 1) + " names " + m.group());
          }
        }
      }
    }

    assertThat(files).as("java files scanned").isGreaterThan(50);
    assertThat(named)
        .as("core classes named by plugin modules (use the api interface instead)")
        .isEmpty();
  }

  @Test
  void thePluginModulesPomsKeepCoreOutOfTheCompileScope() throws IOException {
    Pattern coreDependency =
        Pattern.compile(
            "<dependency>\\s*<groupId>ai\\.noether</groupId>\\s*<artifactId>noether-core</artifactId>(.*?)</dependency>",
            Pattern.DOTALL);
    for (String module : List.of("noether-djl", "noether-callbacks", "noether-initializers")) {
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
      Matcher m = coreDependency.matcher(pom);
      assertThat(m.find())
          .as(module + "/pom.xml depends on noether-core (it runs the plugin)")
          .isTrue();
      assertThat(m.group(1))
          .as(module + "/pom.xml's noether-core dependency")
          .containsPattern("<scope>(runtime|test)</scope>");
    }
  }
}
