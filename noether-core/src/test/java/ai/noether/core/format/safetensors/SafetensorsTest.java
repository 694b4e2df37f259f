package ai.noether.core.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.PythonTorch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyDtypeAndShapeRoundTripsWithMetadataAndOrder() throws IOException {
    Map<String, HostTensor> tensors = sample();
    Path file = dir.resolve("model.safetensors");

    long size = SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
    SafetensorsContents back = SafetensorsReader.read(file);

    assertThat(Files.size(file)).isEqualTo(size);
    assertThat(back.metadata()).isEqualTo(Map.of("format", "pt"));
    assertThat(new ArrayList<>(back.tensors().keySet()))
        .isEqualTo(new ArrayList<>(tensors.keySet()));
    for (String name : tensors.keySet()) {
      HostTensor t = back.tensors().get(name);
      assertThat(t.contentEquals(tensors.get(name))).as(name).isTrue();
      assertThat(t.chunks().get(0).isDirect()).as("memory-mapped").isTrue();
    }
  }

  @Test
  void theWrittenFileFollowsTheSpecificationByteForByte() throws IOException {
    Map<String, HostTensor> tensors = sample();
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of("k", "v"));
    byte[] bytes = Files.readAllBytes(file);

    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertThat((8 + n) % 8).isZero();
    assertThat(header).startsWith("{");
    assertThat(header.stripTrailing()).endsWith("}");
    assertThat(header.substring(header.stripTrailing().length())).matches(" *");
    JsonNode json = JSON.readTree(header);
    assertThat(json.get("__metadata__")).isEqualTo(JSON.readTree("{\"k\":\"v\"}"));
    long end = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      JsonNode info = json.get(e.getKey());
      assertThat(info.get("dtype").asText())
          .isEqualTo(SafetensorsDTypes.name(e.getValue().dtype()));
      assertThat(JSON.convertValue(info.get("shape"), long[].class))
          .containsExactly(e.getValue().shape());
      long begin = info.get("data_offsets").get(0).asLong();
      long stop = info.get("data_offsets").get(1).asLong();
      assertThat(begin).isEqualTo(end);
      assertThat(stop - begin).isEqualTo(e.getValue().byteSize());
      ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n + begin), (int) (stop - begin)).slice();
      assertThat(data).isEqualTo(e.getValue().buffer());
      end = stop;
    }
    assertThat(8 + n + end).isEqualTo(bytes.length);
  }

  @Test
  void pythonReadsOurFileByTheSpecification() throws IOException {
    PythonTorch.assumeAvailable();
    Path script = PythonTorch.script(getClass(), "safetensors_check.py", dir);
    Map<String, HostTensor> tensors = sample();
    Path file = dir.resolve("ours.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of("format", "pt", "framework", "noether"));

    JsonNode seen = JSON.readTree(PythonTorch.runScript(script, "read", file.toString()));

    assertThat(seen.get("metadata"))
        .isEqualTo(JSON.readTree("{\"format\":\"pt\",\"framework\":\"noether\"}"));
    assertThat(seen.get("tensors")).isEqualTo(describe(tensors));
  }

  @Test
  void weReadAFileWrittenInPythonByTheSpecification() throws IOException {
    PythonTorch.assumeAvailable();
    Path script = PythonTorch.script(getClass(), "safetensors_check.py", dir);
    Path file = dir.resolve("theirs.safetensors");

    JsonNode written = JSON.readTree(PythonTorch.runScript(script, "write", file.toString()));
    SafetensorsContents back = SafetensorsReader.read(file);

    assertThat(back.metadata()).isEqualTo(Map.of("format", "pt", "source", "python"));
    assertThat(describe(back.tensors())).isEqualTo(written.get("tensors"));
    assertThat(back.tensors().get("ids").toLongArray()).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(back.tensors().get("scalar").toDoubleArray()).containsExactly(3.5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "header length too large | HEADER_LENGTH:999999                  | announces a header of 999999 bytes",
        "not json                | RAW:{\"a\": nope}                      | header that is not valid JSON",
        "not an object           | RAW:[1, 2]                             | does not start with '{'",
        "unknown dtype           | {\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}} | tensor 'w' has dtype F8_E4M3, which is not supported",
        "negative shape          | {\"w\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,4]}} | tensor 'w' has shape [-1]",
        "size mismatch           | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}} | tensor 'w' of F32 [2] needs 8 bytes",
        "reversed offsets        | {\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}} | tensor 'w' has data_offsets [4, 0]",
        "gap                     | {\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}} | tensor 'w' starts at byte 2 of the data but the previous tensor ends at 0 (a gap)",
        "overlap                 | {\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}} | (they overlap)",
        "trailing bytes          | {\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}} | has 4 bytes of tensor data but its tensors cover 2 (trailing bytes)",
        "truncated data          | {\"w\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}} | has 4 bytes of tensor data but its tensors cover 8 (the file is truncated)",
        "duplicate tensor        | {\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}} | Duplicate field 'w'",
        "metadata not strings    | {\"__metadata__\":{\"epoch\":3},\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}} | __metadata__ entry 'epoch' that is not a string",
        "unknown field           | {\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4],\"x\":1}} | tensor 'w' has an unknown field 'x'",
        "missing shape           | {\"w\":{\"dtype\":\"U8\",\"data_offsets\":[0,4]}} | tensor 'w' has no shape array",
        "trailing garbage        | RAW:{} x                               | header that is not valid JSON",
      })
  void brokenFilesAreRejectedNamingTheFileAndTensor(
      String description, String header, String message) throws IOException {
    Path file = dir.resolve("broken.safetensors");
    byte[] data = {1, 2, 3, 4};
    long length;
    byte[] text;
    if (header.startsWith("HEADER_LENGTH:")) {
      length = Long.parseLong(header.substring("HEADER_LENGTH:".length()));
      text = "{}      ".getBytes(StandardCharsets.UTF_8);
    } else {
      text =
          (header.startsWith("RAW:") ? header.substring(4) : header)
              .getBytes(StandardCharsets.UTF_8);
      length = text.length;
    }
    ByteBuffer b =
        ByteBuffer.allocate(8 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(length).put(text).put(data);
    Files.write(file, b.array());

    assertThatThrownBy(() -> SafetensorsReader.read(file))
        .as(description)
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void aFileShorterThanTheLengthPrefixIsRejected() throws IOException {
    Path file = dir.resolve("tiny.safetensors");
    Files.write(file, new byte[] {1, 0, 0});

    assertThatThrownBy(() -> SafetensorsReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(file + ": is 3 bytes, too short for the 8-byte header length");
  }

  @Test
  void aTensorNamedLikeTheMetadataKeyCannotBeWritten() {
    Map<String, HostTensor> tensors =
        Map.of("__metadata__", HostTensor.ofFloats(new long[] {1}, 1f));

    assertThatThrownBy(
            () -> SafetensorsWriter.write(dir.resolve("x.safetensors"), tensors, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'__metadata__' cannot name a tensor");
  }

  private static Map<String, HostTensor> sample() {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    long[][] shapes = {{}, {0}, {0, 3}, {7}, {2, 3, 1}};
    Random random = new Random(3);
    for (DType dtype : DType.values()) {
      for (long[] shape : shapes) {
        HostTensor zeros = HostTensor.allocateDirect(dtype, shape);
        ByteBuffer b = ByteBuffer.allocateDirect((int) zeros.byteSize());
        while (b.hasRemaining()) {
          b.put((byte) (dtype == DType.BOOL ? random.nextInt(2) : random.nextInt()));
        }
        tensors.put(
            dtype.name().toLowerCase() + "/" + shape.length + "d/" + tensors.size(),
            HostTensor.wrap(dtype, shape, b.flip()));
      }
    }
    return tensors;
  }

  /** The same description safetensors_check.py prints: [[name, {dtype, shape, sha256}], ...]. */
  private static JsonNode describe(Map<String, HostTensor> tensors) {
    ArrayNode out = JSON.createArrayNode();
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      ObjectNode d = JSON.createObjectNode();
      d.put("dtype", "torch." + e.getValue().dtype().name().toLowerCase());
      ArrayNode shape = d.putArray("shape");
      for (long s : e.getValue().shape()) {
        shape.add((int) s);
      }
      d.put("sha256", sha256(e.getValue()));
      out.addArray().add(e.getKey()).add(d);
    }
    return out;
  }

  private static String sha256(HostTensor t) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (ByteBuffer b : t.chunks()) {
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
