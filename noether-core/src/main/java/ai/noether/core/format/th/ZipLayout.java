package ai.noether.core.format.th;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every byte of a stored (uncompressed) zip archive goes, computed before anything is
 * written, so that the archive's exact size is known up front.
 *
 * <p>Like PyTorch's writer, each record's data starts at a multiple of {@link #ALIGNMENT}: the
 * local header carries an extra field with id {@code "FB"} whose payload is {@code 'Z'} padding.
 * Sizes and offsets that do not fit 32 bits use zip64 extra fields and a zip64 end record.
 */
final class ZipLayout {
  static final int ALIGNMENT = 64;
  static final int LOCAL_HEADER_SIG = 0x04034b50;
  static final int CENTRAL_HEADER_SIG = 0x02014b50;
  static final int END_SIG = 0x06054b50;
  static final int ZIP64_END_SIG = 0x06064b50;
  static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  static final int LOCAL_HEADER_SIZE = 30;
  static final int CENTRAL_HEADER_SIZE = 46;
  static final int END_SIZE = 22;
  static final int ZIP64_END_SIZE = 56;
  static final int ZIP64_LOCATOR_SIZE = 20;
  static final int ZIP64_EXTRA_ID = 0x0001;
  static final int PADDING_EXTRA_ID = 0x4246; // "FB", little-endian

  /** Offset of the CRC-32 field inside a local header. */
  static final int LOCAL_CRC_OFFSET = 14;

  static final long MAX_32 = 0xFFFFFFFFL;
  static final int MAX_16 = 0xFFFF;

  /** 1980-01-01 00:00 in MS-DOS form: a fixed date keeps files reproducible. */
  private static final int DOS_DATE = (1 << 5) | 1;

  /** One record: its name, data size, where its local header and data start. */
  record Entry(
      String name,
      byte[] nameBytes,
      long size,
      long headerOffset,
      long dataOffset,
      boolean zip64Local) {
    int localHeaderLength() {
      return (int) (dataOffset - headerOffset);
    }
  }

  private final List<Entry> entries;
  private final long zip64Limit;
  private final long centralOffset;
  private final long centralSize;
  private final boolean zip64End;
  private final long totalSize;

  /**
   * Lays out records of the given names and sizes, in order.
   *
   * @param zip64Limit values at or above this use zip64 fields; {@link #MAX_32} except in tests
   */
  ZipLayout(List<String> names, List<Long> sizes, long zip64Limit) {
    this.zip64Limit = zip64Limit;
    List<Entry> list = new ArrayList<>(names.size());
    long cursor = 0;
    long central = 0;
    for (int i = 0; i < names.size(); i++) {
      byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
      long size = sizes.get(i);
      boolean zip64Local = size >= zip64Limit;
      long start = cursor + LOCAL_HEADER_SIZE + name.length + (zip64Local ? 20 : 0) + 4;
      long padding = (ALIGNMENT - start % ALIGNMENT) % ALIGNMENT;
      long dataOffset = start + padding;
      list.add(new Entry(names.get(i), name, size, cursor, dataOffset, zip64Local));
      central += CENTRAL_HEADER_SIZE + name.length + centralZip64ExtraLength(size, cursor);
      cursor = dataOffset + size;
    }
    this.entries = List.copyOf(list);
    this.centralOffset = cursor;
    this.centralSize = central;
    this.zip64End =
        centralOffset >= zip64Limit
            || centralSize >= zip64Limit
            || entries.size() >= MAX_16
            || entries.stream().anyMatch(e -> e.zip64Local || e.headerOffset >= zip64Limit);
    this.totalSize =
        centralOffset
            + centralSize
            + (zip64End ? ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE : 0)
            + END_SIZE;
  }

  List<Entry> entries() {
    return entries;
  }

  /** The exact size of the archive in bytes. */
  long totalSize() {
    return totalSize;
  }

  /** The local header of {@code e} with the given CRC (0 as a placeholder to patch later). */
  ByteBuffer localHeader(Entry e, int crc) {
    ByteBuffer b = ByteBuffer.allocate(e.localHeaderLength()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(LOCAL_HEADER_SIG)
        .putShort((short) (e.zip64Local ? 45 : 20))
        .putShort((short) 0) // flags
        .putShort((short) 0) // method: stored
        .putShort((short) 0) // time
        .putShort((short) DOS_DATE)
        .putInt(crc)
        .putInt((int) (e.zip64Local ? MAX_32 : e.size))
        .putInt((int) (e.zip64Local ? MAX_32 : e.size))
        .putShort((short) e.nameBytes.length)
        .putShort((short) (e.localHeaderLength() - LOCAL_HEADER_SIZE - e.nameBytes.length))
        .put(e.nameBytes);
    if (e.zip64Local) {
      b.putShort((short) ZIP64_EXTRA_ID).putShort((short) 16).putLong(e.size).putLong(e.size);
    }
    int padding = b.remaining() - 4;
    b.putShort((short) PADDING_EXTRA_ID).putShort((short) padding);
    while (b.hasRemaining()) {
      b.put((byte) 'Z');
    }
    return b.flip();
  }

  /** Central directory and end records, given every record's CRC-32 in order. */
  ByteBuffer trailer(int[] crcs) {
    long length = totalSize - centralOffset;
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      boolean bigSize = e.size >= zip64Limit;
      boolean bigOffset = e.headerOffset >= zip64Limit;
      int extra = centralZip64ExtraLength(e.size, e.headerOffset);
      int version = extra > 0 || e.zip64Local ? 45 : 20;
      b.putInt(CENTRAL_HEADER_SIG)
          .putShort((short) version) // made by
          .putShort((short) version) // needed
          .putShort((short) 0)
          .putShort((short) 0)
          .putShort((short) 0)
          .putShort((short) DOS_DATE)
          .putInt(crcs[i])
          .putInt((int) (bigSize ? MAX_32 : e.size))
          .putInt((int) (bigSize ? MAX_32 : e.size))
          .putShort((short) e.nameBytes.length)
          .putShort((short) extra)
          .putShort((short) 0) // comment
          .putShort((short) 0) // disk
          .putShort((short) 0) // internal attributes
          .putInt(0) // external attributes
          .putInt((int) (bigOffset ? MAX_32 : e.headerOffset))
          .put(e.nameBytes);
      if (extra > 0) {
        b.putShort((short) ZIP64_EXTRA_ID).putShort((short) (extra - 4));
        if (bigSize) {
          b.putLong(e.size).putLong(e.size);
        }
        if (bigOffset) {
          b.putLong(e.headerOffset);
        }
      }
    }
    int count = entries.size();
    if (zip64End) {
      long zip64EndOffset = centralOffset + centralSize;
      b.putInt(ZIP64_END_SIG)
          .putLong(ZIP64_END_SIZE - 12)
          .putShort((short) 45)
          .putShort((short) 45)
          .putInt(0)
          .putInt(0)
          .putLong(count)
          .putLong(count)
          .putLong(centralSize)
          .putLong(centralOffset);
      b.putInt(ZIP64_LOCATOR_SIG).putInt(0).putLong(zip64EndOffset).putInt(1);
    }
    short shortCount = (short) (count >= MAX_16 ? MAX_16 : count);
    b.putInt(END_SIG)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort(shortCount)
        .putShort(shortCount)
        .putInt((int) (centralSize >= zip64Limit ? MAX_32 : centralSize))
        .putInt((int) (centralOffset >= zip64Limit ? MAX_32 : centralOffset))
        .putShort((short) 0);
    return b.flip();
  }

  private int centralZip64ExtraLength(long size, long headerOffset) {
    int fields = (size >= zip64Limit ? 16 : 0) + (headerOffset >= zip64Limit ? 8 : 0);
    return fields == 0 ? 0 : 4 + fields;
  }
}
