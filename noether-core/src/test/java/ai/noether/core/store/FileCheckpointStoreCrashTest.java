package ai.noether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointSelector;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real writer process with SIGKILL at random moments and checks after every kill that the
 * stage holds only complete checkpoints and that {@code latest} never goes back.
 *
 * <p><b>Note:</b> a killed process loses nothing the kernel already has, so this proves the
 * ordering of the commit (what a reader can see at any instant), not the fsyncs, which only matter
 * when the machine itself stops.
 */
class FileCheckpointStoreCrashTest {
  private static final int KILLS = 22;
  private static final StageId STAGE = new StageId("crash", "train");

  @TempDir Path outputDir;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor();
    }
  }

  @Test
  void killingTheWriterAtRandomMomentsNeverLeavesAPartialCheckpointOrMovesLatestBack()
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    FileCheckpointStore reader = FileCheckpointStore.open(outputDir);
    Path checkpoints = outputDir.resolve("crash/train/checkpoints");
    long newest = 0;
    int interruptedCommits = 0;
    List<String> history = new ArrayList<>();

    for (int kill = 1; kill <= KILLS; kill++) {
      child = start();
      BlockingQueue<String> lines = readLines(child);
      String ready = lines.poll(60, TimeUnit.SECONDS);
      assertThat(ready).as("first line of the writer process").startsWith("READY ");
      assertThat(Long.parseLong(ready.substring("READY ".length())))
          .as("the writer continues after latest (seed %d, %s)", seed, history)
          .isEqualTo(newest + 1);
      if (kill % 2 == 1) {
        // Every other round lets one commit finish first, so that the run makes progress even on a
        // slow machine; the kill then lands anywhere in a later commit or delete.
        String line;
        do {
          line = lines.poll(60, TimeUnit.SECONDS);
          assertThat(line).as("output of the writer process").isNotNull();
        } while (!line.startsWith("COMMITTED "));
      }
      Thread.sleep(random.nextInt(200));
      child.destroyForcibly();
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);

      if (hasPendingFiles(checkpoints)) {
        interruptedCommits++;
      }
      List<StoredCheckpoint> listed = reader.list(STAGE);
      for (StoredCheckpoint c : listed) {
        assertThat(c.files())
            .as("files of %s after kill %d (seed %d)", c.describe(), kill, seed)
            .extracting(f -> f.name().kind())
            .containsExactlyInAnyOrder(CheckpointFileKind.values());
        reader.verify(c);
      }
      if (listed.isEmpty()) {
        assertThat(newest).as("nothing committed yet").isZero();
        continue;
      }
      StoredCheckpoint latest = reader.resolve(STAGE, CheckpointSelector.parse("latest"));
      reader.verify(latest);
      assertThat(latest.iteration().update())
          .as("latest after kill %d (seed %d, history %s)", kill, seed, history)
          .isGreaterThanOrEqualTo(newest);
      newest = latest.iteration().update();
      history.add(latest.describe());
    }

    System.out.printf(
        "%d kills, %d of them inside a commit; latest after each kill: %s (seed %d)%n",
        KILLS, interruptedCommits, history, seed);
    assertThat(newest).as("the writers made progress").isGreaterThanOrEqualTo(KILLS / 2);
    assertThat(interruptedCommits)
        .as("kills that hit a commit in the middle (seed %d)", seed)
        .isPositive();

    CleanupReport afterLastKill = reader.cleanup(STAGE);
    assertThat(reader.cleanup(STAGE).isClean()).isTrue();
    assertThat(hasPendingFiles(checkpoints)).as("left after cleanup: %s", afterLastKill).isFalse();
    StoredCheckpoint latest = reader.resolve(STAGE, CheckpointSelector.parse("latest"));
    StoredCheckpoint twin =
        reader.resolve(STAGE, CheckpointSelector.of(CheckpointTag.at(latest.iteration())));
    for (CheckpointFileKind kind : CheckpointFileKind.values()) {
      Path latestName =
          checkpoints.resolve(
              latest.file(CrashingWriterMain.MODEL, null, kind).orElseThrow().name().format());
      Path periodicName =
          checkpoints.resolve(
              twin.file(CrashingWriterMain.MODEL, null, kind).orElseThrow().name().format());
      assertThat(Files.isSameFile(latestName, periodicName)).isTrue();
    }
  }

  private Process start() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            CrashingWriterMain.class.getName(),
            outputDir.toString(),
            STAGE.runId(),
            STAGE.stageName())
        .redirectError(outputDir.resolve("child-stderr.log").toFile())
        .start();
  }

  /** The child's output lines as they arrive; reading them also keeps its pipe from filling. */
  private static BlockingQueue<String> readLines(Process child) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the child was killed
              }
            },
            "crash-test-child-output");
    drain.setDaemon(true);
    drain.start();
    return lines;
  }

  /** True if pending files or stored copies without a manifest are present. */
  private static boolean hasPendingFiles(Path checkpoints) throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return false;
    }
    long referenced;
    try (Stream<Path> manifests = Files.list(checkpoints.resolve(".noether"))) {
      referenced =
          manifests
              .filter(p -> p.toString().endsWith(".manifest"))
              .flatMap(
                  p -> {
                    try {
                      return Stream.of(Files.readString(p).split("\"blob\""))
                          .skip(1)
                          .map(s -> s.split("\"")[1]);
                    } catch (IOException e) {
                      return Stream.empty(); // deleted meanwhile
                    }
                  })
              .distinct()
              .count();
    }
    try (Stream<Path> all = Files.walk(checkpoints)) {
      List<Path> files = all.filter(Files::isRegularFile).toList();
      long blobs = files.stream().filter(p -> p.toString().endsWith(".blob")).count();
      return blobs > referenced
          || files.stream().anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    }
  }
}
