package ai.noether.core.format.th;

import static ai.noether.core.format.th.ZipLayout.*;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The records of a zip archive, read from its central directory and checked against each local
 * header. Every offset and size is validated against the file before it is used, and no two records
 * may share bytes, so a damaged, truncated or hostile file (a zip bomb of overlapping records)
 * fails here with a message naming it, never later with an arbitrary exception or after reading the
 * same bytes over and over. Compressed records are listed (with their method) for the caller to
 * refuse: which kind of archive it is decides the message.
 */
final class ZipDirectory {
  /**
   * One record: where its bytes are, the CRC-32 they must have, and its zip method (0: stored);
   * {@code size} is the stored size, the bytes at {@code dataOffset}.
   */
  record Record(String name, long dataOffset, long size, int crc, int method) {
    boolean stored() {
      return method == 0;
    }
  }

  private static final int MAX_END_SEARCH = END_SIZE + MAX_16;
  private static final int FLAG_ENCRYPTED = 1;
  private static final int FLAG_DATA_DESCRIPTOR = 1 << 3;

  private final Map<String, Record> records;

  private ZipDirectory(Map<String, Record> records) {
    this.records = Collections.unmodifiableMap(records);
  }

  /** Records in central-directory order, by name. */
  Map<String, Record> records() {
    return records;
  }

  Collection<Record> all() {
    return records.values();
  }

  /**
   * Reads the directory of the archive in {@code ch}.
   *
   * @param file the file's name for error messages
   * @throws CorruptCheckpointException if the archive is truncated or malformed
   */
  static ZipDirectory read(FileChannel ch, String file) throws IOException {
    long fileSize = ch.size();
    try {
      return parse(ch, fileSize, file);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new CorruptCheckpointException(
          file
              + ": the zip directory is malformed (a header runs past its end);"
              + " the file is truncated or damaged",
          e);
    }
  }

  private static ZipDirectory parse(FileChannel ch, long fileSize, String file) throws IOException {
    int tailLength = (int) Math.min(fileSize, MAX_END_SEARCH);
    ByteBuffer tail = readAt(ch, fileSize - tailLength, tailLength);
    int end = -1;
    for (int i = tailLength - END_SIZE; i >= 0; i--) {
      if (tail.getInt(i) == END_SIG
          && (tail.getShort(i + 20) & MAX_16) == tailLength - i - END_SIZE) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new CorruptCheckpointException(
          file
              + ": no zip end record found; the file is truncated or not a"
              + " .th archive"
              + legacyHint(ch, fileSize));
    }
    long endOffset = fileSize - tailLength + end;
    long count = tail.getShort(end + 10) & MAX_16;
    long centralSize = tail.getInt(end + 12) & MAX_32;
    long centralOffset = tail.getInt(end + 16) & MAX_32;
    long centralLimit = endOffset;
    if (endOffset >= ZIP64_LOCATOR_SIZE) {
      ByteBuffer locator = readAt(ch, endOffset - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
      if (locator.getInt(0) == ZIP64_LOCATOR_SIG) {
        long zip64EndOffset = locator.getLong(8);
        if (zip64EndOffset < 0
            || zip64EndOffset > endOffset - ZIP64_LOCATOR_SIZE - ZIP64_END_SIZE) {
          throw corrupt(file, "the zip64 end locator points outside the file");
        }
        ByteBuffer zip64End = readAt(ch, zip64EndOffset, ZIP64_END_SIZE);
        if (zip64End.getInt(0) != ZIP64_END_SIG) {
          throw corrupt(file, "the zip64 end record is damaged");
        }
        count = zip64End.getLong(32);
        centralSize = zip64End.getLong(40);
        centralOffset = zip64End.getLong(48);
        centralLimit = zip64EndOffset;
      }
    }
    if (centralOffset < 0
        || centralSize < 0
        || centralOffset > centralLimit
        || centralSize > centralLimit - centralOffset
        || centralSize > Integer.MAX_VALUE
        || count < 0
        || count > centralSize / CENTRAL_HEADER_SIZE) {
      throw corrupt(
          file,
          "the zip end record is inconsistent (central directory of "
              + count
              + " records, "
              + centralSize
              + " bytes at offset "
              + centralOffset
              + " in a file of "
              + fileSize
              + " bytes)");
    }
    ByteBuffer central = readAt(ch, centralOffset, (int) centralSize);
    Map<String, Record> records = new LinkedHashMap<>();
    Map<String, Long> headers = new HashMap<>();
    int p = 0;
    for (long i = 0; i < count; i++) {
      if (central.getInt(p) != CENTRAL_HEADER_SIG) {
        throw corrupt(file, "central directory entry " + i + " is damaged (bad signature)");
      }
      int flags = central.getShort(p + 8) & MAX_16;
      int method = central.getShort(p + 10) & MAX_16;
      int crc = central.getInt(p + 16);
      long compressed = central.getInt(p + 20) & MAX_32;
      long size = central.getInt(p + 24) & MAX_32;
      int nameLength = central.getShort(p + 28) & MAX_16;
      int extraLength = central.getShort(p + 30) & MAX_16;
      int commentLength = central.getShort(p + 32) & MAX_16;
      long headerOffset = central.getInt(p + 42) & MAX_32;
      String name = name(central, p + CENTRAL_HEADER_SIZE, nameLength, file, i);
      int extra = p + CENTRAL_HEADER_SIZE + nameLength;
      if (size == MAX_32 || compressed == MAX_32 || headerOffset == MAX_32) {
        ByteBuffer zip64 = findExtra(central, extra, extraLength, ZIP64_EXTRA_ID);
        if (zip64 == null) {
          throw corrupt(
              file, "record " + name + " lacks the zip64 sizes its directory entry announces");
        }
        if (size == MAX_32) {
          size = zip64.getLong();
        }
        if (compressed == MAX_32) {
          compressed = zip64.getLong();
        }
        if (headerOffset == MAX_32) {
          headerOffset = zip64.getLong();
        }
      }
      p = extra + extraLength + commentLength;
      if ((flags & FLAG_ENCRYPTED) != 0) {
        throw corrupt(
            file, "record " + name + " is encrypted; .th records are stored in the clear");
      }
      if ((method == 0 && compressed != size)
          || size < 0
          || compressed < 0
          || headerOffset < 0
          || headerOffset > centralOffset - LOCAL_HEADER_SIZE) {
        throw corrupt(
            file, "record " + name + " has an impossible size or offset in the zip directory");
      }
      long dataOffset =
          checkLocalHeader(ch, file, name, headerOffset, flags, crc, size, compressed, method);
      if (compressed > centralOffset - dataOffset) {
        throw corrupt(
            file,
            "record "
                + name
                + " runs past the end of the data ("
                + compressed
                + " bytes at offset "
                + dataOffset
                + ")");
      }
      if (records.put(name, new Record(name, dataOffset, compressed, crc, method)) != null) {
        throw corrupt(file, "record " + name + " appears twice in the zip directory");
      }
      headers.put(name, headerOffset);
    }
    checkNoOverlap(file, records, headers);
    return new ZipDirectory(records);
  }

  /**
   * Refuses records that share bytes. A writer lays records out one after another; records that
   * overlap are the building block of zip bombs, where the same bytes are read (and checked) once
   * per record that covers them.
   */
  private static void checkNoOverlap(
      String file, Map<String, Record> records, Map<String, Long> headers) {
    List<Record> byOffset = new ArrayList<>(records.values());
    byOffset.sort(Comparator.comparingLong(r -> headers.get(r.name())));
    for (int i = 1; i < byOffset.size(); i++) {
      Record before = byOffset.get(i - 1);
      Record after = byOffset.get(i);
      long end = before.dataOffset() + before.size();
      long afterHeader = Objects.requireNonNull(headers.get(after.name()), after.name());
      if (end > afterHeader) {
        throw corrupt(
            file,
            "records "
                + before.name()
                + " and "
                + after.name()
                + " overlap (the first runs to byte "
                + end
                + ", past the start of the second at byte "
                + afterHeader
                + "); records of an"
                + " archive never share bytes");
      }
    }
  }

  /** Checks a record's local header against its directory entry; returns where its data starts. */
  private static long checkLocalHeader(
      FileChannel ch,
      String file,
      String name,
      long offset,
      int flags,
      int crc,
      long size,
      long compressed,
      int method)
      throws IOException {
    ByteBuffer h = readAt(ch, offset, LOCAL_HEADER_SIZE);
    int nameLength = h.getShort(26) & MAX_16;
    int extraLength = h.getShort(28) & MAX_16;
    if (h.getInt(0) != LOCAL_HEADER_SIG
        || nameLength != name.getBytes(StandardCharsets.UTF_8).length
        || (h.getShort(8) & MAX_16) != method) {
      throw corrupt(file, "record " + name + " has a damaged local header at offset " + offset);
    }
    ByteBuffer rest = readAt(ch, offset + LOCAL_HEADER_SIZE, nameLength + extraLength);
    byte[] localName = new byte[nameLength];
    rest.get(localName);
    if (!name.equals(new String(localName, StandardCharsets.UTF_8))) {
      throw corrupt(
          file,
          "record "
              + name
              + " has a damaged local header at offset "
              + offset
              + " (its name differs from the directory's)");
    }
    if ((flags & FLAG_DATA_DESCRIPTOR) == 0 && (h.getShort(6) & FLAG_DATA_DESCRIPTOR) == 0) {
      long localSize = h.getInt(22) & MAX_32;
      long localCompressed = h.getInt(18) & MAX_32;
      if (h.getInt(14) != crc
          || (localSize != MAX_32 && localSize != size)
          || (localCompressed != MAX_32 && localCompressed != compressed)) {
        throw corrupt(
            file,
            "record "
                + name
                + " has a local header that disagrees with the zip directory"
                + " (CRC-32 or size)");
      }
    }
    return offset + LOCAL_HEADER_SIZE + nameLength + extraLength;
  }

  private static @Nullable ByteBuffer findExtra(ByteBuffer b, int from, int length, int id) {
    int p = from;
    while (p + 4 <= from + length) {
      int fieldId = b.getShort(p) & MAX_16;
      int fieldLength = b.getShort(p + 2) & MAX_16;
      if (p + 4 + fieldLength > from + length) {
        return null;
      }
      if (fieldId == id) {
        return b.slice(p + 4, fieldLength).order(ByteOrder.LITTLE_ENDIAN);
      }
      p += 4 + fieldLength;
    }
    return null;
  }

  private static String name(ByteBuffer b, int at, int length, String file, long index) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(b.slice(at, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw corrupt(file, "central directory entry " + index + " has a damaged name");
    }
  }

  /** Reads exactly {@code length} bytes at {@code offset}, little-endian, as a heap buffer. */
  static ByteBuffer readAt(FileChannel ch, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    long at = offset;
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new BufferUnderflowException();
      }
      at += n;
    }
    return b.flip();
  }

  private static String legacyHint(FileChannel ch, long fileSize) throws IOException {
    if (fileSize >= 2) {
      ByteBuffer head = readAt(ch, 0, 2);
      if ((head.get(0) & 0xff) == Opcodes.PROTO) {
        return " (it looks like PyTorch's legacy format from torch < 1.6 or _use_new_zipfile_serialization=False;"
            + " re-save it with a current torch.save)";
      }
    }
    return "";
  }

  static CorruptCheckpointException corrupt(String file, String what) {
    return new CorruptCheckpointException(file + ": " + what);
  }
}
