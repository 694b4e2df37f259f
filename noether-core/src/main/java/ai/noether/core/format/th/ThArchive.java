package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A state tree laid out as a {@code .th} archive: {@code archive/data.pkl}, {@code
 * archive/byteorder}, one record {@code archive/data/<key>} per tensor storage and {@code
 * archive/version}, in that order. The layout (and so the size) is fixed at construction; {@link
 * #writeTo} streams the tensors' own buffers into the channel and computes their CRC-32 on the way.
 */
final class ThArchive {
  /**
   * Below this size a record's CRC is computed before its header is written; above, it is patched
   * in.
   */
  private static final long PRECOMPUTE_CRC_BELOW = 1 << 20;

  /** Slice size for CRC-then-write, small enough that the write reads the bytes from cache. */
  private static final int SLICE = 1 << 20;

  private final ZipLayout layout;
  private final List<byte[]>
      smallRecords; // non-null entries: heap records (pickle, version, byteorder)
  private final List<HostTensor> tensors; // non-null entries: tensor records
  private final int[] crcs;
  private final boolean[] crcKnown;

  private ThArchive(ZipLayout layout, List<byte[]> smallRecords, List<HostTensor> tensors) {
    this.layout = layout;
    this.smallRecords = smallRecords;
    this.tensors = tensors;
    this.crcs = new int[smallRecords.size()];
    this.crcKnown = new boolean[smallRecords.size()];
    for (int i = 0; i < smallRecords.size(); i++) {
      if (smallRecords.get(i) != null) {
        CRC32 crc = new CRC32();
        crc.update(smallRecords.get(i));
        crcs[i] = (int) crc.getValue();
        crcKnown[i] = true;
      }
    }
  }

  /**
   * Lays out {@code tree}.
   *
   * @throws IllegalArgumentException naming the path of a value a checkpoint cannot hold
   */
  static ThArchive of(Map<String, ?> tree) {
    return of(tree, ZipLayout.MAX_32);
  }

  /**
   * As {@link #of(Map)}, with zip64 fields for every value at or above {@code zip64Limit} (tests).
   */
  static ThArchive of(Map<String, ?> tree, long zip64Limit) {
    PickleWriter pickle = PickleWriter.of(tree);
    String prefix = ThFormat.ARCHIVE_NAME + "/";
    List<String> names = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<byte[]> small = new ArrayList<>();
    List<HostTensor> tensors = new ArrayList<>();
    add(names, sizes, small, tensors, prefix + "data.pkl", pickle.bytes(), null);
    add(
        names,
        sizes,
        small,
        tensors,
        prefix + "byteorder",
        "little".getBytes(StandardCharsets.US_ASCII),
        null);
    List<HostTensor> storages = pickle.storages();
    for (int i = 0; i < storages.size(); i++) {
      add(names, sizes, small, tensors, prefix + "data/" + i, null, storages.get(i));
    }
    add(
        names,
        sizes,
        small,
        tensors,
        prefix + "version",
        (ThFormat.FILE_FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII),
        null);
    return new ThArchive(new ZipLayout(names, sizes, zip64Limit), small, tensors);
  }

  private static void add(
      List<String> names,
      List<Long> sizes,
      List<byte[]> small,
      List<HostTensor> tensors,
      String name,
      @Nullable byte[] bytes,
      @Nullable HostTensor tensor) {
    names.add(name);
    sizes.add(bytes != null ? bytes.length : Objects.requireNonNull(tensor, name).byteSize());
    small.add(bytes);
    tensors.add(tensor);
  }

  /** The exact number of bytes {@link #writeTo} writes. */
  long size() {
    return layout.totalSize();
  }

  /**
   * Writes the archive strictly in order into any channel. A {@link FileChannel} takes the fast
   * path of {@link #writeTo(FileChannel)}; any other channel (an upload) cannot be written back
   * into, so the CRC-32 of every large record, which its local header carries before the bytes, is
   * computed first with one extra pass over the tensors in memory.
   */
  void writeTo(WritableByteChannel out) throws IOException {
    if (out instanceof FileChannel file) {
      writeTo(file);
      return;
    }
    List<ZipLayout.Entry> entries = layout.entries();
    long written = 0;
    for (int i = 0; i < entries.size(); i++) {
      ZipLayout.Entry e = entries.get(i);
      HostTensor tensor = tensors.get(i);
      if (!crcKnown[i]) {
        crcs[i] = crcOf(tensor);
        crcKnown[i] = true;
      }
      written += writeFully(out, layout.localHeader(e, crcs[i]));
      if (tensor == null) {
        written += writeFully(out, ByteBuffer.wrap(smallRecords.get(i)));
      } else {
        for (ByteBuffer chunk : tensor.chunks()) {
          written += writeFully(out, chunk);
        }
      }
    }
    written += writeFully(out, layout.trailer(crcs));
    if (written != layout.totalSize()) {
      throw new IllegalStateException(
          "wrote " + written + " bytes but laid out " + layout.totalSize());
    }
  }

  /**
   * Writes the archive at the channel's current position and leaves the position at its end. Tensor
   * bytes go from the tensors' buffers straight to the channel; the CRC-32 of a large record is
   * computed while it is written and patched into its local header afterwards (one pass).
   */
  void writeTo(FileChannel out) throws IOException {
    long base = out.position();
    List<ZipLayout.Entry> entries = layout.entries();
    for (int i = 0; i < entries.size(); i++) {
      ZipLayout.Entry e = entries.get(i);
      HostTensor tensor = tensors.get(i);
      if (!crcKnown[i] && e.size() < PRECOMPUTE_CRC_BELOW) {
        crcs[i] = crcOf(tensor);
        crcKnown[i] = true;
      }
      boolean patch = !crcKnown[i];
      writeFully(out, layout.localHeader(e, crcs[i]));
      if (tensor == null) {
        writeFully(out, ByteBuffer.wrap(smallRecords.get(i)));
      } else if (patch) {
        crcs[i] = writeWithCrc(out, tensor);
        crcKnown[i] = true;
        ByteBuffer crc =
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crcs[i]).flip();
        long at = base + e.headerOffset() + ZipLayout.LOCAL_CRC_OFFSET;
        while (crc.hasRemaining()) {
          at += out.write(crc, at);
        }
      } else {
        for (ByteBuffer chunk : tensor.chunks()) {
          writeFully(out, chunk);
        }
      }
    }
    writeFully(out, layout.trailer(crcs));
    long written = out.position() - base;
    if (written != layout.totalSize()) {
      throw new IllegalStateException(
          "wrote " + written + " bytes but laid out " + layout.totalSize());
    }
  }

  private static int writeWithCrc(FileChannel out, HostTensor tensor) throws IOException {
    CRC32 crc = new CRC32();
    for (ByteBuffer chunk : tensor.chunks()) {
      while (chunk.hasRemaining()) {
        ByteBuffer slice = chunk.slice();
        slice.limit(Math.min(slice.remaining(), SLICE));
        chunk.position(chunk.position() + slice.remaining());
        crc.update(slice.duplicate());
        writeFully(out, slice);
      }
    }
    return (int) crc.getValue();
  }

  private static int crcOf(HostTensor tensor) {
    CRC32 crc = new CRC32();
    for (ByteBuffer chunk : tensor.chunks()) {
      crc.update(chunk);
    }
    return (int) crc.getValue();
  }

  private static long writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
    long n = b.remaining();
    while (b.hasRemaining()) {
      out.write(b);
    }
    return n;
  }
}
