package ai.noether.examples.plugin.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.core.cli.NoetherCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as a user ships it: this module's classes packed into a jar, the jar on the class path
 * of a {@code noether train} in a JVM of its own (as {@code NOETHER_CLASSPATH} puts it there), and
 * the injected callback counting the checkpoints the run's store really holds.
 */
class CheckpointInventoryPluginJarTest {
  private static final Path CLASSES = Path.of("target/classes").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theInjectedCallbackOfAPluginJarCountsTheCheckpointsOfARealRun() throws Exception {
    Path jar = pack(CLASSES, dir.resolve("my-noether-plugin.jar"));
    Path config = dir.resolve("inventory.yaml");
    Files.writeString(
        config,
        """
        output_dir: runs
        run_id: inventory-run
        stage_name: train
        seed: 3
        dataset: {kind: synthetic-regression, train_samples: 256, valid_samples: 64, input_size: 4, noise: 0.05, data_seed: 7}
        model: {name: mlp, kind: mlp, input_size: 4, hidden_sizes: [8], output_size: 1}
        optimizer: {kind: sgd, lr: 1.0e-2}
        trainer:
          max_epochs: 4
          batch_size: 32
          loss: mse
          callbacks:
            - kind: checkpoint
              every_n_epochs: 1
            - kind: checkpoint-inventory
              every_n_epochs: 1
        """);

    Result kinds = noether(jar, "kinds");
    Result train = noether(jar, "train", config.toString());

    assertThat(kinds.exit()).as(kinds.output()).isZero();
    assertThat(kinds.output())
        .containsPattern(
            "checkpoint-inventory +logs how many checkpoints .*\\[my-noether-plugin\\.jar]");
    assertThat(train.exit()).as(train.output()).isZero();
    Path stage = dir.resolve("runs/inventory-run/train");
    List<Double> counts =
        values(stage.resolve(RunLayout.HISTORY_FILE), CheckpointInventoryCallback.CHECKPOINTS);
    List<Double> megabytes =
        values(stage.resolve(RunLayout.HISTORY_FILE), CheckpointInventoryCallback.MEGABYTES);
    assertThat(counts).as("one count per epoch").hasSize(4);
    assertThat(counts)
        .as("never more than the checkpoints of the epochs before")
        .allSatisfy(c -> assertThat(c).isLessThan(4));
    assertThat(counts).as("counts grow as the periodic checkpoints are committed").isSorted();
    assertThat(counts.get(3))
        .as("the checkpoints of epochs 1 and 2 are durable at the end of epoch 4")
        .isGreaterThanOrEqualTo(2);
    assertThat(megabytes.get(3)).as("their files take room").isPositive();
    try (Stream<Path> files = Files.list(stage.resolve("checkpoints"))) {
      assertThat(
              files
                  .filter(
                      f ->
                          f.getFileName().toString().matches("mlp_cp=E\\d+_U\\d+_S\\d+_model\\.th"))
                  .count())
          .as("the store holds one model file per epoch in the end")
          .isEqualTo(4);
    }
  }

  /**
   * The command line in a JVM of its own: the framework's class path without this module's classes,
   * plus the jar.
   */
  private Result noether(Path jar, String... args) throws IOException, InterruptedException {
    List<String> classPath =
        new ArrayList<>(
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().startsWith(CLASSES.getParent()))
                .toList());
    classPath.add(jar.toString());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                String.join(File.pathSeparator, classPath),
                NoetherCli.class.getName()));
    command.addAll(List.of(args));
    Path log = dir.resolve("noether-" + args[0] + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(
          "noether "
              + String.join(" ", args)
              + " did not end in 3 minutes:\n"
              + Files.readString(log));
    }
    return new Result(process.exitValue(), Files.readString(log));
  }

  private record Result(int exit, String output) {}

  /** A jar of a class directory, as {@code mvn package} makes it. */
  private static Path pack(Path classes, Path jar) throws IOException {
    assertThat(classes.resolve("META-INF/services/" + CallbackFactory.class.getName()))
        .isRegularFile();
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(
            new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
      }
    }
    return jar;
  }

  private static List<Double> values(Path history, String key) throws IOException {
    List<Double> values = new ArrayList<>();
    for (String line : Files.readAllLines(history, StandardCharsets.UTF_8)) {
      JsonNode node = JSON.readTree(line).findValue(key);
      if (node != null) {
        values.add(node.asDouble());
      }
    }
    return values;
  }
}
