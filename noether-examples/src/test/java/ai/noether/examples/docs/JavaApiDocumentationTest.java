package ai.noether.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The complete program of {@code docs/java-api.md}, compiled from the page and run in this JVM
 * against the modules' classes: it trains, loads its best checkpoint and predicts what it learnt
 * ({@code y = 2x - 1}). {@link ConsumerProjectTest} runs the same program in a project of its own
 * built against the installed artifacts.
 */
class JavaApiDocumentationTest {
  static final Pattern PREDICTIONS =
      Pattern.compile("f\\(0\\.5\\) = (-?[0-9.]+), f\\(2\\.0\\) = (-?[0-9.]+)");

  /** The page's program and the path its marker gives it ({@code src/main/java/...}). */
  record Program(String path, String source) {
    String className() {
      return path.substring("src/main/java/".length(), path.length() - ".java".length())
          .replace('/', '.');
    }
  }

  static Program program() throws Exception {
    for (DocBlock block :
        DocBlock.read(
            DocumentationExamplesTest.ROOT.resolve("docs/java-api.md"), List.of("java"))) {
      if (block.marker().startsWith("consumer-program:")) {
        return new Program(
            block.marker().substring("consumer-program:".length()).strip(), block.text());
      }
    }
    throw new AssertionError(
        "docs/java-api.md has no java block marked <!-- consumer-program: path -->");
  }

  static String consumerPom() throws Exception {
    return DocBlock.read(DocumentationExamplesTest.ROOT.resolve("docs/java-api.md"), List.of("xml"))
        .stream()
        .filter(b -> b.marker().equals("consumer-pom"))
        .findFirst()
        .orElseThrow()
        .text();
  }

  /** What the program printed says it learnt the line: f(0.5) near 0, f(2) near 3. */
  static void assertLearntTheLine(String output) {
    assertThat(output)
        .contains("trained line-fit to E20_U160_S5120")
        .containsPattern("checkpoints: \\[.*best\\.loss~valid~total.*]")
        .contains("(from line-fit/train@best.loss~valid~total)");
    Matcher m = PREDICTIONS.matcher(output);
    assertThat(m.find()).as(output).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(output).isBetween(-0.2, 0.2);
    assertThat(Double.parseDouble(m.group(2))).as(output).isBetween(2.8, 3.2);
  }

  @Test
  void theProgramOfTheJavaApiPageCompilesTrainsAndPredictsTheLineItLearnt(@TempDir Path dir)
      throws Exception {
    Program program = program();
    Path source = dir.resolve("src").resolve(program.path().substring("src/main/java/".length()));
    Files.createDirectories(source.getParent());
    Files.writeString(source, program.source());
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status =
        javac.run(
            null,
            null,
            errors,
            "-d",
            classes.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "--release",
            "17",
            source.toString());
    assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass(program.className()).getMethod("main", String[].class);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {dir.resolve("runs").toString()});
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    original.println(printed);
    assertLearntTheLine(printed);
    assertThat(dir.resolve("runs/line-fit/train/checkpoints/mlp_cp=best.loss~valid~total_model.th"))
        .exists();
  }
}
