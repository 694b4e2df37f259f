package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code noether} launcher script at the repository root, run for real by bash on a copy of
 * itself in a small fake tree, with stand-ins for {@code mvn} (slow, and failing like a real build
 * does when a second build deletes its output underneath it) and {@code java}.
 */
class LauncherScriptTest {
  private static final Path SCRIPT = Path.of("..", "noether");

  @TempDir Path tmp;

  @Test
  void twoCallsStartedTogetherAfterASourceChangeBuildOnceAndBothSucceed() throws Exception {
    assumeTrue(Files.isRegularFile(SCRIPT), "runs from a module directory of the repository");
    Path root = tmp.resolve("repo");
    Files.createDirectories(root.resolve("noether-core/src/main/java"));
    Files.copy(SCRIPT, root.resolve("noether"));
    executable(root.resolve("noether"));
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Files.writeString(root.resolve("noether-core/src/main/java/A.java"), "class A {}");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path builds = tmp.resolve("builds.log");
    // A real mvn package that overlaps another one fails: the second one's clean deletes the first
    // one's jars.
    script(
        bin.resolve("mvn"),
        "#!/usr/bin/env bash\n"
            + "echo build >> '"
            + builds
            + "'\n"
            + "if [ -e building ]; then echo 'mvn: another build is running in this tree' >&2; exit 1; fi\n"
            + "touch building; sleep 2; mkdir -p noether-examples/target/dist; rm building\n");
    Path javaHome = tmp.resolve("jdk");
    script(
        Files.createDirectories(javaHome.resolve("bin")).resolve("java"),
        "#!/usr/bin/env bash\necho \"java ran: ${@: -1}\"\n");

    Process first = start(root, bin, javaHome, "one");
    Process second = start(root, bin, javaHome, "two");

    String out1 = finish(first);
    String out2 = finish(second);
    assertThat(first.exitValue()).as(out1).isZero();
    assertThat(second.exitValue()).as(out2).isZero();
    assertThat(out1).contains("java ran: one");
    assertThat(out2).contains("java ran: two");
    assertThat(Files.readAllLines(builds)).as("mvn runs").hasSize(1);
    assertThat(out1 + out2).contains("waiting for another noether call that is building this tree");
  }

  private Process start(Path root, Path bin, Path javaHome, String arg) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("bash", root.resolve("noether").toString(), arg));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("JAVA_HOME", javaHome.toString());
    return builder.start();
  }

  private static String finish(Process p) throws Exception {
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    executable(file);
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
