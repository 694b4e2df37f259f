package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.PythonTorch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tensor over 2 GiB (past the reach of one ByteBuffer and of 32-bit offsets) in a file over 2
 * GiB, followed by a small tensor whose record starts beyond 2 GiB. Uses about 2.2 GiB of disk,
 * deleted afterwards.
 */
class ThLargeFileTest {
  private static final long[] BIG_SHAPE = {3, 190_000_000}; // 2.28e9 bytes of float32
  private static Path dir;
  private static Path file;
  private static Map<String, Object> tree;

  @BeforeAll
  static void writeOnce() throws IOException {
    dir = Files.createTempDirectory("th-large");
    file = dir.resolve("large.th");
    tree = new LinkedHashMap<>();
    tree.put("big", TestTensors.pattern(DType.FLOAT32, BIG_SHAPE));
    tree.put("after", HostTensor.ofFloats(new long[] {3}, 1f, 2f, 3f));
    tree.put("note", "written after 2 GiB");
    ThFormat.write(file, tree);
  }

  @AfterAll
  static void deleteFile() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
    tree = null;
  }

  @Test
  void aTensorOver2GibRoundTripsThroughSeveralMappedChunks() throws IOException {
    assertThat(Files.size(file)).isGreaterThan(1L << 31);

    Map<String, Object> back = ThReader.read(file);

    HostTensor big = (HostTensor) back.get("big");
    assertThat(big.shape()).containsExactly(BIG_SHAPE);
    assertThat(big.byteSize()).isGreaterThan(Integer.MAX_VALUE);
    assertThat(big.chunks()).hasSizeGreaterThan(2);
    assertThat(TestTensors.sameBytes(big, (HostTensor) tree.get("big"))).isTrue();
    assertThat(((HostTensor) back.get("after")).toFloatArray()).containsExactly(1f, 2f, 3f);
    assertThat(back.get("note")).isEqualTo("written after 2 GiB");
    assertThat(ThFormatTest.directory(file).records().get("archive/data/1").dataOffset())
        .isGreaterThan(1L << 31);
  }

  @Test
  void torchLoadsTheSameFile() throws IOException {
    PythonTorch.assumeAvailable();
    Path describe = PythonTorch.script(getClass(), "describe.py", dir);

    JsonNode loaded =
        new ObjectMapper().readTree(PythonTorch.runScript(describe, file.toString(), "exact"));

    assertThat(loaded.get("loader").asText()).isEqualTo("weights_only");
    assertThat(loaded.get("value")).isEqualTo(ThTorchInteropTest.describe(tree, true));
    Files.delete(describe);
  }
}
