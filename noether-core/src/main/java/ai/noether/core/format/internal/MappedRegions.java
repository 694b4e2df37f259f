package ai.noether.core.format.internal;

import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Memory-maps regions of a file read-only, for formats whose tensors are byte ranges of the file.
 * Neighbouring small regions share one mapping (a state dict has hundreds of small tensors; one
 * {@code mmap} each would be wasteful); a region larger than {@link HostTensor#MAX_CHUNK_BYTES}
 * gets mappings of its own, split at multiples of that size from its start, so that no element of
 * any dtype straddles two buffers.
 *
 * <p>Mappings stay valid after the channel is closed, until the buffers are garbage collected.
 */
public final class MappedRegions {
  private static final long WINDOW = HostTensor.MAX_CHUNK_BYTES;

  /** A named byte range of a file. */
  public record Region(String name, long offset, long size) {}

  private MappedRegions() {}

  /**
   * Maps every region; the caller has checked that they lie inside the file.
   *
   * @return each region's bytes as read-only buffers in order, by name; never empty (a single empty
   *     buffer for an empty region)
   */
  public static Map<String, List<ByteBuffer>> map(FileChannel ch, Collection<Region> regions)
      throws IOException {
    List<Region> sorted = new ArrayList<>(regions);
    sorted.sort(Comparator.comparingLong(Region::offset));
    Map<String, List<ByteBuffer>> out = new HashMap<>();
    List<Region> window = new ArrayList<>();
    for (Region r : sorted) {
      if (r.size() > WINDOW) {
        List<ByteBuffer> chunks = new ArrayList<>();
        for (long done = 0; done < r.size(); done += WINDOW) {
          chunks.add(region(ch, r.offset() + done, Math.min(WINDOW, r.size() - done)));
        }
        out.put(r.name(), chunks);
        continue;
      }
      if (!window.isEmpty() && r.offset() + r.size() - window.get(0).offset() > WINDOW) {
        mapWindow(ch, window, out);
        window.clear();
      }
      window.add(r);
    }
    mapWindow(ch, window, out);
    return out;
  }

  private static void mapWindow(
      FileChannel ch, List<Region> window, Map<String, List<ByteBuffer>> out) throws IOException {
    if (window.isEmpty()) {
      return;
    }
    long start = window.get(0).offset();
    long end = 0;
    for (Region r : window) {
      end = Math.max(end, r.offset() + r.size());
    }
    ByteBuffer mapped = region(ch, start, end - start);
    for (Region r : window) {
      out.put(r.name(), List.of(mapped.slice((int) (r.offset() - start), (int) r.size())));
    }
  }

  /**
   * Maps a region; a {@link ChannelFile} (no file to map) copies it into a direct buffer instead.
   */
  private static ByteBuffer region(FileChannel ch, long offset, long size) throws IOException {
    return ch instanceof ChannelFile view
        ? view.readRegion(offset, size)
        : ch.map(FileChannel.MapMode.READ_ONLY, offset, size);
  }

  /** CRC-32 of the buffers' remaining bytes, in order. */
  public static int crc(List<ByteBuffer> chunks) {
    CRC32 crc = new CRC32();
    for (ByteBuffer b : chunks) {
      crc.update(b.duplicate());
    }
    return (int) crc.getValue();
  }
}
