package ai.noether.core.format.safetensors;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.internal.MappedRegions;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads safetensors files, validating them against the format's rules before any tensor is
 * returned: the header length fits the file, the header is a JSON object, every tensor has a
 * supported {@code dtype}, a {@code shape} of non-negative integers and {@code data_offsets} whose
 * length matches dtype and shape, and the tensors cover the data area exactly, back to back,
 * without gaps or overlaps. A violation is a {@link CorruptCheckpointException} naming the file and
 * the tensor.
 *
 * <p>Tensors are read-only memory mappings of the file; nothing is copied through the heap.
 */
public final class SafetensorsReader {
  /** The reference implementation's limit; a larger header is surely damage, not data. */
  static final long MAX_HEADER_BYTES = 100_000_000;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

  private SafetensorsReader() {}

  private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  /**
   * Reads {@code path}.
   *
   * @throws CorruptCheckpointException if the file breaks the format's rules
   * @throws IOException if it cannot be read at all
   */
  public static SafetensorsContents read(Path path) throws IOException {
    String file = path.toString();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw corrupt(file, "is " + fileSize + " bytes, too short for the 8-byte header length");
      }
      long headerLength = readAt(ch, 0, 8).getLong();
      if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
        throw corrupt(
            file,
            "announces a header of "
                + headerLength
                + " bytes, which does not fit a file of "
                + fileSize
                + " bytes (or exceeds "
                + MAX_HEADER_BYTES
                + ")");
      }
      ByteBuffer headerBytes = readAt(ch, 8, (int) headerLength);
      if (headerBytes.get(0) != '{') {
        throw corrupt(file, "has a header that does not start with '{'");
      }
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        throw corrupt(file, "has a header that is not valid JSON: " + e.getOriginalMessage());
      }
      if (header == null || !header.isObject()) {
        throw corrupt(file, "has a header that is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataSize = fileSize - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().equals(SafetensorsWriter.METADATA_KEY)) {
          metadata(file, field.getValue(), metadata);
        } else {
          entries.add(entry(file, field.getKey(), field.getValue()));
        }
      }
      checkCoverage(file, entries, dataSize);
      List<MappedRegions.Region> regions = new ArrayList<>();
      for (Entry e : entries) {
        regions.add(new MappedRegions.Region(e.name, dataStart + e.begin, e.end - e.begin));
      }
      Map<String, List<ByteBuffer>> mapped = MappedRegions.map(ch, regions);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Entry e : entries) {
        tensors.put(
            e.name,
            HostTensor.wrap(e.dtype, e.shape, Objects.requireNonNull(mapped.get(e.name), e.name)));
      }
      return new SafetensorsContents(tensors, metadata);
    }
  }

  private static void metadata(String file, JsonNode node, Map<String, String> out) {
    if (!node.isObject()) {
      throw corrupt(file, "has a __metadata__ that is not an object of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw corrupt(
            file,
            "has __metadata__ entry '" + e.getKey() + "' that is not a string: " + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
  }

  private static Entry entry(String file, String name, JsonNode node) {
    String where = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw corrupt(file, where + " is described by " + node + " instead of an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!TENSOR_FIELDS.contains(field)) {
        throw corrupt(
            file,
            where + " has an unknown field '" + field + "'; expected dtype, shape, data_offsets");
      }
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw corrupt(file, where + " has no dtype");
    }
    DType dtype = SafetensorsDTypes.parse(dtypeNode.asText());
    if (dtype == null) {
      throw corrupt(
          file,
          where
              + " has dtype "
              + dtypeNode.asText()
              + ", which is not supported; supported: "
              + SafetensorsDTypes.supported());
    }
    long[] shape = longs(file, where, "shape", node.get("shape"));
    long[] offsets = longs(file, where, "data_offsets", node.get("data_offsets"));
    if (offsets.length != 2 || offsets[0] > offsets[1]) {
      throw corrupt(
          file,
          where
              + " has data_offsets "
              + Arrays.toString(offsets)
              + "; expected [begin, end] with"
              + " begin <= end");
    }
    long bytes;
    try {
      long elements = 1;
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      bytes = Math.multiplyExact(elements, dtype.byteSize());
    } catch (ArithmeticException e) {
      throw corrupt(
          file, where + " has a shape " + Arrays.toString(shape) + " too large to address");
    }
    if (offsets[1] - offsets[0] != bytes) {
      throw corrupt(
          file,
          where
              + " of "
              + dtypeNode.asText()
              + " "
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes but its data_offsets "
              + Arrays.toString(offsets)
              + " span "
              + (offsets[1] - offsets[0]));
    }
    return new Entry(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static long[] longs(String file, String where, String field, JsonNode node) {
    if (node == null || !node.isArray()) {
      throw corrupt(file, where + " has no " + field + " array");
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode n = node.get(i);
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
        throw corrupt(
            file, where + " has " + field + " " + node + "; expected non-negative integers");
      }
      out[i] = n.asLong();
    }
    return out;
  }

  /** The tensors must tile the data area: sorted by begin, each starts where the previous ends. */
  private static void checkCoverage(String file, List<Entry> entries, long dataSize) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : sorted) {
      if (e.begin != expected) {
        throw corrupt(
            file,
            "tensor '"
                + e.name
                + "' starts at byte "
                + e.begin
                + " of the data but the previous"
                + " tensor ends at "
                + expected
                + (e.begin < expected ? " (they overlap)" : " (a gap)"));
      }
      expected = e.end;
    }
    if (expected != dataSize) {
      throw corrupt(
          file,
          "has "
              + dataSize
              + " bytes of tensor data but its tensors cover "
              + expected
              + (expected > dataSize ? " (the file is truncated)" : " (trailing bytes)"));
    }
  }

  private static ByteBuffer readAt(FileChannel ch, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    long at = offset;
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      at += n;
    }
    return b.flip();
  }

  private static CorruptCheckpointException corrupt(String file, String what) {
    return new CorruptCheckpointException(file + ": " + what);
  }
}
