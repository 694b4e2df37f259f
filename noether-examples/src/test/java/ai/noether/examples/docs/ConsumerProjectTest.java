package ai.noether.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's project, built as a user builds it: the {@code pom.xml} of {@code docs/java-api.md} (the
 * BOM imported, the CPU starter as the only dependency) and the page's program, compiled by Maven
 * offline against the artifacts this build produced, then run with {@code java} on the class path
 * Maven resolved. It proves that the two entries bring everything: the API, the engine, the CPU
 * native library and a logging backend.
 *
 * <p>Maven runs with a private local repository in the test's directory: our artifacts are placed
 * there as {@code mvn install} would place them (this reactor's jars and poms), every other
 * artifact is hard-linked from {@code ~/.m2/repository} (small metadata files are copied, so that
 * nothing Maven writes can reach the shared repository). The shared repository is never written.
 *
 * <p>Needs the reactor's jars, so it runs in {@code mvn verify} (or {@code package}) and is skipped
 * in a {@code mvn test} that has not packaged the modules yet.
 */
class ConsumerProjectTest {
  static final Path ROOT = DocumentationExamplesTest.ROOT.toAbsolutePath().normalize();

  /** Our artifacts a consumer of the starter needs, by module directory (= artifact id). */
  static final List<String> JARS =
      List.of(
          "noether-api",
          "noether-inject",
          "noether-core",
          "noether-djl",
          "noether-callbacks",
          "noether-initializers",
          "noether-java",
          "noether-starter-cpu");

  @Test
  void aProjectWithTheBomAndTheCpuStarterBuildsOfflineAndRunsThePagesProgram(@TempDir Path dir)
      throws Exception {
    String version = projectVersion();
    for (String module : JARS) {
      assumeTrue(
          Files.isRegularFile(jar(module, version)),
          "the reactor's jars are not packaged (run mvn verify): "
              + jar(module, version)
              + " is missing");
    }
    Path shared = Path.of(System.getProperty("user.home"), ".m2", "repository");
    assumeTrue(Files.isDirectory(shared), "no local Maven repository at " + shared);
    Path mvn = onPath("mvn");
    assumeTrue(mvn != null, "mvn is not on the PATH");

    Path repo = dir.resolve("repository");
    seed(shared, repo);
    install(repo, "noether-parent", version, ROOT.resolve("pom.xml"), null);
    install(repo, "noether-bom", version, ROOT.resolve("noether-bom/pom.xml"), null);
    for (String module : JARS) {
      install(repo, module, version, ROOT.resolve(module).resolve("pom.xml"), jar(module, version));
    }

    Path project = Files.createDirectories(dir.resolve("line-fit"));
    Files.writeString(
        project.resolve("pom.xml"), offlinePluginVersions(JavaApiDocumentationTest.consumerPom()));
    JavaApiDocumentationTest.Program program = JavaApiDocumentationTest.program();
    Path source = project.resolve(program.path());
    Files.createDirectories(source.getParent());
    Files.writeString(source, program.source());

    // The page's build command, offline, with the dependency plugin named in full (its prefix would
    // need the plugin group's metadata from a remote repository).
    String build =
        run(
            project,
            List.of(
                mvn.toString(),
                "-B",
                "-o",
                "-q",
                "-Dmaven.repo.local=" + repo,
                "package",
                "org.apache.maven.plugins:maven-dependency-plugin:3.7.1:build-classpath",
                "-Dmdep.outputFile=classpath.txt"),
            0);
    String classpath = Files.readString(project.resolve("classpath.txt")).strip();
    assertThat(classpath)
        .as(build)
        .contains("noether-starter-cpu-" + version + ".jar")
        .contains("noether-java-" + version + ".jar")
        .contains("pytorch-native-cpu-")
        .contains("logback-classic-")
        .contains(repo.toString());

    String output =
        run(
            project,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                "target/classes:" + classpath,
                program.className(),
                dir.resolve("runs").toString()),
            0);
    JavaApiDocumentationTest.assertLearntTheLine(output);
    // The starter's logging configuration: the trainer's INFO lines, DJL's chatter hidden.
    assertThat(output)
        .containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Trainer - E\\d+_U\\d+_S\\d+ \\| loss")
        .doesNotContain("DEBUG")
        .doesNotContain("CudaUtils");
  }

  /**
   * The page's pom with the build plugins of Maven's default lifecycle pinned to the versions this
   * project's own build uses: offline, only those are complete in the local repository (a user's
   * Maven downloads its defaults). Nothing about the dependencies changes.
   */
  static String offlinePluginVersions(String pom) {
    String pinned =
        """
          <pluginManagement>
            <plugins>
              <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.2.5</version></plugin>
              <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.1</version></plugin>
              <plugin><artifactId>maven-install-plugin</artifactId><version>3.1.2</version></plugin>
            </plugins>
          </pluginManagement>
        """;
    assertThat(pom).contains("<build>");
    return pom.replace("<build>", "<build>\n" + pinned);
  }

  static Path jar(String module, String version) {
    return ROOT.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
  }

  static String projectVersion() throws IOException {
    Matcher m =
        Pattern.compile("<artifactId>noether-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /**
   * Hard-links every file of {@code shared} into {@code repo} except our own group (which the
   * reactor provides); metadata that Maven may rewrite in place is copied instead.
   */
  static void seed(Path shared, Path repo) throws IOException {
    Path ours = shared.resolve("ai/noether");
    Files.walkFileTree(
        shared,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            if (d.equals(ours)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(repo.resolve(shared.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Path target = repo.resolve(shared.relativize(f).toString());
            String name = f.getFileName().toString();
            boolean mutable =
                name.equals("_remote.repositories")
                    || name.endsWith(".properties")
                    || name.startsWith("maven-metadata")
                    || name.endsWith(".lastUpdated");
            if (mutable) {
              Files.copy(f, target);
            } else {
              try {
                Files.createLink(target, f);
              } catch (IOException | UnsupportedOperationException e) {
                Files.copy(f, target); // another file system: a copy is just slower
              }
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Places a pom (and jar) where {@code mvn install} would put them. */
  static void install(Path repo, String artifactId, String version, Path pom, Path jar)
      throws IOException {
    Path d =
        Files.createDirectories(repo.resolve("ai/noether").resolve(artifactId).resolve(version));
    Files.copy(
        pom, d.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(
          jar, d.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String run(Path workingDir, List<String> command, int expected) throws Exception {
    Path log = Files.createTempFile(workingDir, "process", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command) + " did not finish in 5 minutes:\n" + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as(String.join(" ", command) + "\n" + output)
        .isEqualTo(expected);
    return output;
  }

  static Path onPath(String executable) {
    for (String entry :
        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(entry).resolve(executable);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
