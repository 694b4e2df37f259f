package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.PythonTorch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real PyTorch reads what we write and we read what it writes; values are compared exactly. */
class ThTorchInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path describe;

  @BeforeEach
  void needsTorch() {
    PythonTorch.assumeAvailable();
    describe = PythonTorch.script(getClass(), "describe.py", dir);
  }

  @Test
  void filesWeWriteLoadInTorchWithWeightsOnlyAndHoldIdenticalValues() throws IOException {
    Map<String, Object> tree = everything(false);
    Path file = dir.resolve("mlp_cp=latest_model.th");
    ThFormat.write(file, tree);

    JsonNode loaded = JSON.readTree(PythonTorch.runScript(describe, file.toString(), "exact"));

    assertThat(loaded.get("loader").asText()).isEqualTo("weights_only");
    assertThat(loaded.get("value")).isEqualTo(describe(tree, true));
  }

  @Test
  void floatsLoadInTorchThroughItsWeightsOnlyAllowList() throws IOException {
    // torch >= 2.0 reads floats with weights_only=True; torch 1.13's weights_only reader lacks the
    // float opcode for every file, so describe.py then applies torch's allow-list to a standard
    // unpickler.
    Map<String, Object> tree = everything(true);
    Path file = dir.resolve("mlp_cp=latest_model.th");
    ThFormat.write(file, tree);

    JsonNode loaded = JSON.readTree(PythonTorch.runScript(describe, file.toString(), "exact"));

    assertThat(loaded.get("value")).isEqualTo(describe(tree, true));
  }

  @Test
  void filesWhoseRecordsAllUseZip64FieldsLoadInTorch() throws IOException {
    Map<String, Object> tree = everything(true);
    Path file = dir.resolve("zip64.th");
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ThArchive.of(tree, 0).writeTo(out);
    }

    JsonNode loaded = JSON.readTree(PythonTorch.runScript(describe, file.toString(), "exact"));

    assertThat(loaded.get("value")).isEqualTo(describe(tree, true));
    assertThat(describe(ThReader.read(file), false)).isEqualTo(describe(tree, false));
  }

  @Test
  void whatTorchLoadsFromOurFileAndSavesAgainReadsBackUnchanged() throws IOException {
    Map<String, Object> tree = everything(true);
    Path ours = dir.resolve("ours.th");
    Path theirs = dir.resolve("theirs.th");
    ThFormat.write(ours, tree);

    PythonTorch.runScript(describe, ours.toString(), "exact", theirs.toString());

    assertThat(describe(ThReader.read(theirs), false)).isEqualTo(describe(tree, false));
  }

  @Test
  void aStateDictAndACheckpointWrittenByTorchSaveLoadWithTheirValues() throws IOException {
    Path script = PythonTorch.script(getClass(), "torch_save.py", dir);
    PythonTorch.script(getClass(), "describe.py", dir);
    JsonNode saved = JSON.readTree(PythonTorch.runScript(script, dir.toString()));

    Map<String, Object> sequential = ThReader.read(dir.resolve("sequential.th"));
    assertThat(sequential.keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
    assertThat(describe(sequential, false)).isEqualTo(saved.get("sequential"));

    for (String protocol : List.of("p2", "p4", "p5")) {
      Map<String, Object> checkpoint = ThReader.read(dir.resolve("checkpoint_" + protocol + ".th"));
      assertThat(describe(checkpoint, false)).as(protocol).isEqualTo(saved.get("checkpoint"));
      assertThat(((HostTensor) checkpoint.get("view")).toFloatArray()).containsExactly(2f, 3f, 4f);
      assertThat(((HostTensor) checkpoint.get("transposed")).toDoubleArray())
          .containsExactly(0, 3, 1, 4, 2, 5);
      assertThat(((HostTensor) checkpoint.get("transposed")).shape()).containsExactly(3, 2);
      assertThat(((HostTensor) checkpoint.get("strided")).buffer().asIntBuffer().get(6))
          .isEqualTo(18);
      assertThat(((HostTensor) checkpoint.get("bf16")).dtype()).isEqualTo(DType.BFLOAT16);
      assertThat(((HostTensor) checkpoint.get("mask")).dtype()).isEqualTo(DType.BOOL);
      assertThat(((HostTensor) checkpoint.get("scalar")).toLongArray()).containsExactly(7);
      assertThat(checkpoint.get("epoch")).isEqualTo(3L);
      assertThat(checkpoint.get("lr")).isEqualTo(1e-3);
      Map<String, Object> single = new java.util.HashMap<>();
      single.put("only", null);
      assertThat(checkpoint.get("nested"))
          .isEqualTo(
              Map.of(
                  "a",
                  Map.of("b", List.of(1L, 2L), "c", List.of()),
                  "d",
                  Map.of(),
                  "single",
                  single,
                  "one",
                  java.util.Collections.singletonList(null)));
      assertThat(checkpoint.get("int_keys")).isEqualTo(Map.of(0L, "zero", 1L, "one"));
      assertThat(checkpoint.get("size")).isEqualTo(List.of(2L, 3L));
    }
  }

  /**
   * Every dtype in odd shapes, nested metadata of every allowed type, an ordered and a plain dict.
   */
  static Map<String, Object> everything(boolean withFloats) {
    Map<String, Object> stateDict = new LinkedHashMap<>();
    long[][] shapes = {{}, {0}, {0, 3}, {5}, {2, 3}, {2, 1, 4}, {3, 2, 2, 2, 2}};
    long seed = 0;
    for (DType dtype : DType.values()) {
      for (long[] shape : shapes) {
        stateDict.put(
            dtype.name().toLowerCase() + "." + shape.length + "d." + seed,
            TestTensors.random(dtype, shape, seed++));
      }
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", stateDict);
    tree.put("checkpoint_tag", "E1_U10_S320");
    tree.put("training_iteration", new LinkedHashMap<>(Map.of("epoch", 1L)));
    tree.put("plain", new TreeMap<>(Map.of("b", 2, "a", withFloats ? (Object) 1.5f : (Object) 3)));
    tree.put(
        "numbers",
        new ArrayList<>(List.of(0L, 255L, 256L, 65536L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)));
    if (withFloats) {
      tree.put("floats", List.of(0.1, -0.0, 1e300, Double.NaN, Double.POSITIVE_INFINITY, 0.25f));
    }
    tree.put("mixed", java.util.Arrays.asList("ü", true, false, null, List.of(List.of())));
    tree.put("int_keys", new LinkedHashMap<>(Map.of(7L, "seven")));
    HostTensor shared = TestTensors.random(DType.FLOAT32, new long[] {4}, 99);
    tree.put("shared", List.of(shared, shared));
    return tree;
  }

  /** The Java twin of describe.py's {@code desc}. */
  static JsonNode describe(Object v, boolean exact) {
    ObjectNode node = JSON.createObjectNode();
    if (v instanceof HostTensor t) {
      node.put("tensor", TestTensors.torchName(t.dtype()));
      ArrayNode shape = node.putArray("shape");
      for (long d : t.shape()) {
        shape.add((int) d); // Jackson parses small numbers as ints; compare like with like
      }
      node.put("sha256", TestTensors.sha256(t));
    } else if (v instanceof Map<?, ?> m) {
      ArrayNode items = node.putArray(exact && m instanceof LinkedHashMap ? "OrderedDict" : "dict");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        items.addArray().add(describe(e.getKey(), exact)).add(describe(e.getValue(), exact));
      }
    } else if (v instanceof List<?> l) {
      ArrayNode items = node.putArray("list");
      for (Object item : new ArrayList<>(l)) {
        items.add(describe(item, exact));
      }
    } else if (v instanceof Boolean b) {
      node.put("bool", b);
    } else if (v instanceof Long || v instanceof Integer) {
      node.put("int", v.toString());
    } else if (v instanceof Double || v instanceof Float) {
      node.put("float", Long.toString(Double.doubleToRawLongBits(((Number) v).doubleValue())));
    } else if (v instanceof String s) {
      node.put("str", s);
    } else if (v == null) {
      node.putNull("None");
    } else {
      throw new AssertionError("unexpected " + v.getClass());
    }
    return node;
  }
}
