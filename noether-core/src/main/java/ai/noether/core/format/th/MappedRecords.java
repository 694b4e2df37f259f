package ai.noether.core.format.th;

import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Memory-maps record data read-only. Neighbouring small records share one mapping (a state dict
 * has hundreds of small tensors; one {@code mmap} per tensor would be wasteful); a record larger
 * than {@link HostTensor#MAX_CHUNK_BYTES} gets mappings of its own, split at multiples of that size
 * from its start, so no element of any dtype straddles two buffers.
 *
 * <p>Mappings stay valid after the channel is closed, until the buffers are garbage collected.
 */
final class MappedRecords {
  private static final long WINDOW = HostTensor.MAX_CHUNK_BYTES;

  private MappedRecords() {}

  /** The data of each record as read-only buffers in order; never empty (one empty buffer for an empty record). */
  static Map<String, List<ByteBuffer>> map(FileChannel ch, Collection<ZipDirectory.Record> records) throws IOException {
    List<ZipDirectory.Record> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingLong(ZipDirectory.Record::dataOffset));
    Map<String, List<ByteBuffer>> out = new HashMap<>();
    List<ZipDirectory.Record> window = new ArrayList<>();
    for (ZipDirectory.Record r : sorted) {
      if (r.size() > WINDOW) {
        List<ByteBuffer> chunks = new ArrayList<>();
        for (long done = 0; done < r.size(); done += WINDOW) {
          chunks.add(ch.map(FileChannel.MapMode.READ_ONLY, r.dataOffset() + done, Math.min(WINDOW, r.size() - done)));
        }
        out.put(r.name(), chunks);
        continue;
      }
      if (!window.isEmpty() && r.dataOffset() + r.size() - window.get(0).dataOffset() > WINDOW) {
        mapWindow(ch, window, out);
        window.clear();
      }
      window.add(r);
    }
    mapWindow(ch, window, out);
    return out;
  }

  private static void mapWindow(FileChannel ch, List<ZipDirectory.Record> window, Map<String, List<ByteBuffer>> out)
      throws IOException {
    if (window.isEmpty()) {
      return;
    }
    long start = window.get(0).dataOffset();
    long end = 0;
    for (ZipDirectory.Record r : window) {
      end = Math.max(end, r.dataOffset() + r.size());
    }
    MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, start, end - start);
    for (ZipDirectory.Record r : window) {
      out.put(r.name(), List.of(mapped.slice((int) (r.dataOffset() - start), (int) r.size())));
    }
  }

  /** CRC-32 of the buffers' remaining bytes, in order. */
  static int crc(List<ByteBuffer> chunks) {
    CRC32 crc = new CRC32();
    for (ByteBuffer b : chunks) {
      crc.update(b.duplicate());
    }
    return (int) crc.getValue();
  }
}
