package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
  @TempDir Path dir;

  private String[] run(String... args) {
    return NoetherCliTest.runIn(dir, args);
  }

  private Path modelFile() throws IOException {
    Map<String, Object> stateDict = new LinkedHashMap<>();
    stateDict.put("layers.0.weight", HostTensor.ofFloats(new long[] {4, 3}, new float[12]));
    stateDict.put("layers.0.bias", HostTensor.ofFloats(new long[] {4}, new float[4]));
    Map<String, Object> scaler = new LinkedHashMap<>();
    scaler.put("mean", HostTensor.ofDoubles(new long[] {3}, 1, 2, 3));
    scaler.put("std", HostTensor.ofDoubles(new long[] {3}, 1, 1, 1));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", stateDict);
    tree.put("model_config", Map.of("hidden_sizes", List.of(4L)));
    tree.put("extras", Map.of("scaler_params", scaler));
    tree.put("checkpoint_tag", "best.loss~valid~total");
    tree.put("training_iteration", Map.of("epoch", 2L, "update", 40L, "sample", 1280L));
    tree.put("run_id", "r1");
    tree.put("stage_name", "train");
    tree.put("noether_format_version", 2L);
    Path file = dir.resolve("mlp_cp=best.loss~valid~total_model.th");
    ThFormat.write(file, tree);
    return file;
  }

  @Test
  void showsTagIterationTensorsAndExtrasOfAModelFile() throws Exception {
    Path file = modelFile();

    String[] r = run("inspect", file.getFileName().toString());

    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("model weights (2 tensors, 16 values, 64 bytes)")
        .containsPattern("checkpoint_tag: +best.loss~valid~total")
        .containsPattern("training_iteration: +E2_U40_S1280")
        .containsPattern("run_id: +r1")
        .containsPattern("layers.0.weight: +float32 \\[4, 3]")
        .containsPattern("layers.0.bias: +float32 \\[4]")
        .contains("scaler_params:")
        .containsPattern("mean: +float64 \\[3]")
        .containsPattern("hidden_sizes: +\\[4]");
  }

  @Test
  void showsCountersMetricsAndTheConfigurationOfATrainerFileAndShortensLongLists()
      throws Exception {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("epoch", 3L);
    tree.put("update", 60L);
    tree.put("metrics", Map.of("loss/valid/total", 0.125));
    List<Object> history = new java.util.ArrayList<>();
    for (long u = 1; u <= 20; u++) {
      history.add(Map.of("update", u));
    }
    tree.put("history", history);
    tree.put("callbacks", Map.of());
    tree.put("config", Map.of("trainer", Map.of("max_updates", 60L)));
    Path file = dir.resolve("mlp_cp=E3_U60_S1920_trainer.th");
    ThFormat.write(file, tree);

    String[] r = run("inspect", file.toString());
    String[] full = run("inspect", "--full", file.toString());

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1])
        .contains("trainer state")
        .containsPattern("loss/valid/total: +0.125")
        .contains("history: list of 20")
        .contains("... 14 more (--full shows them)")
        .containsPattern("update: +20")
        .doesNotContain("update: 10\n")
        .contains("config:\n  trainer:\n    max_updates: 60");
    assertThat(full[1]).doesNotContain("more (--full").containsPattern("update: +10\n");
  }

  @Test
  void aTextFileIsNotACheckpointAndExitsWithUsageError() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.th"), "trainer:\n  max_updates: 3\n");

    String[] r = run("inspect", file.toString());

    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2])
        .contains(file + " is not a checkpoint: it holds text (it starts with \"trainer:\")")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void aZipThatTorchDidNotWriteAndATorchScriptArchiveAreNamedAsSuch() throws Exception {
    Path zip = dir.resolve("data.zip");
    writeZip(zip, Map.of("readme.txt", "hello"));
    Path script = dir.resolve("model.pt");
    writeZip(
        script,
        Map.of(
            "archive/data.pkl",
            "x",
            "archive/constants.pkl",
            "x",
            "archive/code/__torch__.py",
            "pass"));

    String[] z = run("inspect", zip.toString());
    String[] s = run("inspect", script.toString());

    assertThat(z[0]).isEqualTo("2");
    assertThat(z[2])
        .contains(zip + " is not a checkpoint: the archive has no record <name>/data.pkl");
    assertThat(s[0]).isEqualTo("2");
    assertThat(s[2])
        .contains(script + " is not a checkpoint: this is a TorchScript archive (torch.jit.save)");
  }

  @Test
  void aTruncatedCheckpointIsCorruptAndExitsWithFailure() throws Exception {
    Path file = modelFile();
    byte[] bytes = Files.readAllBytes(file);
    Path cut =
        Files.write(dir.resolve("cut_model.th"), java.util.Arrays.copyOf(bytes, bytes.length / 2));

    String[] r = run("inspect", cut.toString());

    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains(cut.toString()).contains("truncated").doesNotContain("\tat ");
  }

  @Test
  void aMissingFileOrAnEmptyOneIsAUsageError() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.th"));

    assertThat(run("inspect", "nope.th"))
        .satisfies(
            r -> {
              assertThat(r[0]).isEqualTo("2");
              assertThat(r[2]).contains("nope.th does not exist");
            });
    assertThat(run("inspect", empty.toString())[2])
        .contains("is not a checkpoint: the file is empty");
  }

  private static void writeZip(Path file, Map<String, String> records) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(records).entrySet()) {
        byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
      }
    }
  }
}
