package ai.noether.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The test classes of {@code docs/testkit.md} (its Java blocks marked {@code <!-- testkit-test:
 * src/test/java/... -->}), compiled from the page against the modules' classes and run with JUnit
 * here, so that the page's examples of noether-testkit work as written.
 */
class TestkitDocumentationTest {
  static final Path PAGE = DocumentationExamplesTest.ROOT.resolve("docs/testkit.md");
  static final String MARKER = "testkit-test:";

  @Test
  void theTestClassesOfTheTestkitPageCompileAndPass(@TempDir Path dir) throws Exception {
    List<Path> sources = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (DocBlock block : DocBlock.read(PAGE, List.of("java"))) {
      assertThat(block.marker())
          .as("every Java block of %s is a test class it runs", PAGE)
          .startsWith(MARKER);
      String path = block.marker().substring(MARKER.length()).strip();
      assertThat(path).startsWith("src/test/java/").endsWith(".java");
      Path source = dir.resolve("src").resolve(path.substring("src/test/java/".length()));
      Files.createDirectories(source.getParent());
      Files.writeString(source, block.text());
      sources.add(source);
      classes.add(
          path.substring("src/test/java/".length(), path.length() - ".java".length())
              .replace('/', '.'));
    }
    assertThat(classes).as("the page's test classes").hasSize(2);

    Path out = Files.createDirectories(dir.resolve("classes"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                out.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "--release",
                "17"));
    sources.forEach(s -> args.add(s.toString()));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    assertThat(javac.run(null, null, errors, args.toArray(String[]::new)))
        .as(errors.toString(StandardCharsets.UTF_8))
        .isZero();

    ClassLoader original = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
      Thread.currentThread().setContextClassLoader(loader);
      LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
      for (String name : classes) {
        request.selectors(selectClass(loader.loadClass(name)));
      }
      LauncherDiscoveryRequest discovery = request.build();
      Launcher launcher = LauncherFactory.create();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(discovery, listener);
      TestExecutionSummary summary = listener.getSummary();
      StringWriter failures = new StringWriter();
      summary.printFailuresTo(new PrintWriter(failures), 30);
      assertThat(summary.getTotalFailureCount()).as(failures.toString()).isZero();
      assertThat(summary.getTestsSkippedCount() + summary.getTestsAbortedCount())
          .as("nothing skipped")
          .isZero();
      // The counter's three tests and every case of the store contract.
      assertThat(summary.getTestsSucceededCount()).isGreaterThan(3 + 15);
    } finally {
      Thread.currentThread().setContextClassLoader(original);
    }
  }
}
