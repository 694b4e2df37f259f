package ai.noether.examples.javaapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.cli.BytesRead;
import ai.noether.core.format.th.ThReader;
import ai.noether.core.registry.ComponentRegistry;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.java.LoadedModel;
import ai.noether.java.ModelCheckpoint;
import ai.noether.java.Noether;
import ai.noether.java.NoetherConfig;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Noether#load} of a run's checkpoint reads its bytes once: finding the configuration reads
 * and verifies every file of the checkpoint (as {@code noether resume} does), and the model file is
 * taken from that read instead of being read again. It used to check each file's CRC32C with {@code
 * read()} first and then read the model file a second time. Linux counts the bytes a process {@code
 * read()}s ({@code rchar}); the one-pass read maps the files instead.
 */
class JavaApiReadsOnceTest {
  @TempDir Path dir;

  @Test
  void loadingACheckpointReadsItsBytesOnceAndLoadsTheSavedWeightsBitForBit() throws Exception {
    assumeThat(Path.of("/proc/self/io")).as("Linux counts the bytes a process reads").exists();
    Noether noether = Noether.create(ComponentRegistry.load(), dir);
    noether.train(
        NoetherConfig.fromYaml(BytesRead.MEGA_PARAMETER_STAGE)
            .set("output_dir", dir.resolve("runs").toString())
            .set("run_id", "once"));
    Path checkpoints = dir.resolve("runs/once/train/checkpoints");
    long checkpoint = BytesRead.sizeOfLatest(checkpoints);
    assertThat(checkpoint).as("model and optimizer state").isGreaterThan(10L << 20);
    ModelCheckpoint latest = ModelCheckpoint.of(dir.resolve("runs"), "once").checkpoint("latest");
    try (LoadedModel first = noether.load(latest)) {
      assertThat(first.model().stateDict()).isNotEmpty(); // classes loaded before counting
    }

    long before = BytesRead.sofar();
    try (LoadedModel model = noether.load(latest)) {
      long read = BytesRead.sofar() - before;
      // With a pass of its own to check the files, the load read() the whole checkpoint (and the
      // model file again).
      assertThat(read)
          .as("bytes a load of a %d-byte checkpoint read()", checkpoint)
          .isLessThan(checkpoint / 4);

      Map<String, HostTensor> saved =
          CheckpointReader.stateDict(
              ThReader.read(checkpoints.resolve("net_cp=latest_model.th")),
              "net_cp=latest_model.th");
      Map<String, HostTensor> loaded = model.model().stateDict();
      assertThat(loaded.keySet()).isEqualTo(saved.keySet());
      saved.forEach((k, v) -> assertThat(loaded.get(k).contentEquals(v)).as(k).isTrue());
    }
  }

  @Test
  void aDamagedOptimizerFileStillFailsTheLoadOfTheWeightsNamingTheFile() throws Exception {
    Noether noether = Noether.create(ComponentRegistry.load(), dir);
    noether.train(
        NoetherConfig.fromYaml(BytesRead.MEGA_PARAMETER_STAGE)
            .set("output_dir", dir.resolve("runs").toString())
            .set("run_id", "once"));
    Path optimizer = dir.resolve("runs/once/train/checkpoints/net_cp=latest_optim.th");
    try (RandomAccessFile f = new RandomAccessFile(optimizer.toFile(), "rw")) {
      long middle = f.length() / 2;
      f.seek(middle);
      int b = f.read();
      f.seek(middle);
      f.write(b ^ 0x10);
    }
    // The whole checkpoint is checked before a weight is used, as when the files were checked in a
    // pass of their own.
    assertThatThrownBy(
            () ->
                noether.load(ModelCheckpoint.of(dir.resolve("runs"), "once").checkpoint("latest")))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("net_cp=latest_optim.th");
  }
}
