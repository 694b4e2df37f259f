package ai.noether.core.format.safetensors;

import ai.noether.api.tensor.HostTensor;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes tensors in the safetensors format, the deployment format read by Hugging Face's {@code
 * safetensors} library and many inference servers: an 8-byte little-endian header length, a JSON
 * header naming each tensor's {@code dtype}, {@code shape} and {@code data_offsets} (plus an
 * optional {@code __metadata__} map of strings), padded with spaces to a multiple of 8 bytes, then
 * the tensors' bytes back to back in the map's iteration order.
 *
 * <p>Tensor bytes go from the tensors' buffers straight to the file.
 */
public final class SafetensorsWriter {
  static final String METADATA_KEY = "__metadata__";
  private static final JsonFactory JSON = new JsonFactory();

  private SafetensorsWriter() {}

  /**
   * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code path}, replacing it,
   * and forces it to disk.
   *
   * @param metadata string pairs stored as {@code __metadata__}; may be empty, never null
   * @return the number of bytes written
   * @throws IllegalArgumentException if a tensor is named {@code __metadata__}, or a name or a
   *     metadata entry is null
   */
  public static long write(Path path, Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    byte[] header = header(tensors, metadata);
    long size = 8L + header.length;
    try (FileChannel out =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer length =
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
      writeFully(out, length);
      writeFully(out, ByteBuffer.wrap(header));
      for (HostTensor t : tensors.values()) {
        for (ByteBuffer chunk : t.chunks()) {
          writeFully(out, chunk);
        }
        size += t.byteSize();
      }
      out.force(true);
    }
    return size;
  }

  /** The JSON header, padded with spaces so that the data starts at a multiple of 8. */
  static byte[] header(Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(METADATA_KEY);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          if (e.getKey() == null || e.getValue() == null) {
            throw new IllegalArgumentException(
                "safetensors metadata must map strings to strings; got "
                    + e.getKey()
                    + " -> "
                    + e.getValue());
          }
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
        if (e.getKey() == null || e.getKey().equals(METADATA_KEY)) {
          throw new IllegalArgumentException(
              "'" + e.getKey() + "' cannot name a tensor in a safetensors file");
        }
        HostTensor t = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("dtype", SafetensorsDTypes.name(t.dtype()));
        g.writeFieldName("shape");
        long[] shape = t.shape();
        g.writeArray(shape, 0, shape.length);
        g.writeFieldName("data_offsets");
        g.writeArray(new long[] {offset, offset + t.byteSize()}, 0, 2);
        g.writeEndObject();
        offset += t.byteSize();
      }
      g.writeEndObject();
    }
    int padded = (bytes.size() + 7) / 8 * 8;
    byte[] header = Arrays.copyOf(bytes.toByteArray(), padded);
    Arrays.fill(header, bytes.size(), padded, (byte) ' ');
    return header;
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }
}
