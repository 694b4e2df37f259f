package ai.noether.core.format.th;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Hand-built hostile files: pickles whose shared references explode when walked as a tree, tensors
 * whose sizes overflow or materialise gigabytes from a few bytes, lengths that point far past the
 * data, overlapping zip records. Each is small (a few hundred bytes unless said).
 */
final class HostileFiles {
  private HostileFiles() {}

  /**
   * Pushes {@code l(levels)} where {@code l0 = []; l(i) = [l(i-1), l(i-1)]}: a few hundred bytes,
   * 2^levels paths from the top. Memo entries 0 to {@code levels}.
   */
  static P listDiamond(P p, int levels) {
    p.op(Opcodes.EMPTY_LIST).put(0);
    for (int i = 1; i <= levels; i++) {
      p.op(Opcodes.POP)
          .op(Opcodes.EMPTY_LIST)
          .op(Opcodes.MARK)
          .get(i - 1)
          .get(i - 1)
          .op(Opcodes.APPENDS)
          .put(i);
    }
    return p;
  }

  /**
   * Pushes {@code t(levels)} where {@code t0 = (); t(i) = (t(i-1), t(i-1))}. Memo entries 0 to
   * {@code levels}.
   */
  static P tupleDiamond(P p, int levels) {
    p.op(Opcodes.EMPTY_TUPLE).put(0);
    for (int i = 1; i <= levels; i++) {
      p.op(Opcodes.POP).get(i - 1).get(i - 1).op(Opcodes.TUPLE2).put(i);
    }
    return p;
  }

  /**
   * {'w': {'k0': ..., 'k999': ...}} nested {@code levels} deep, every value the same dict below.
   */
  static byte[] wideBomb(int levels, int width) {
    P p = new P().proto(2).op(Opcodes.EMPTY_DICT).string("w");
    p.op(Opcodes.EMPTY_DICT).string("x").op(Opcodes.NONE).op(Opcodes.SETITEM).put(0);
    for (int i = 1; i <= levels; i++) {
      p.op(Opcodes.POP).op(Opcodes.EMPTY_DICT).op(Opcodes.MARK);
      for (int k = 0; k < width; k++) {
        p.string("k" + k).get(i - 1);
      }
      p.op(Opcodes.SETITEMS).put(i);
    }
    return p.op(Opcodes.SETITEM).stop();
  }

  /**
   * {@code _rebuild_tensor_v2(storage(key, numel), offset, size, stride, False, OrderedDict())}.
   */
  static P tensor(
      P p, String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
    p.global("torch._utils", "_rebuild_tensor_v2").op(Opcodes.MARK);
    p.op(Opcodes.MARK)
        .string("storage")
        .global("torch", storageClass)
        .string(key)
        .string("cpu")
        .integer(numel)
        .op(Opcodes.TUPLE)
        .op(Opcodes.BINPERSID);
    p.integer(offset);
    p.op(Opcodes.MARK);
    for (long s : size) {
      p.integer(s);
    }
    p.op(Opcodes.TUPLE).op(Opcodes.MARK);
    for (long s : stride) {
      p.integer(s);
    }
    p.op(Opcodes.TUPLE)
        .op(Opcodes.NEWFALSE)
        .global("collections", "OrderedDict")
        .op(Opcodes.EMPTY_TUPLE)
        .op(Opcodes.REDUCE)
        .op(Opcodes.TUPLE);
    return p.op(Opcodes.REDUCE);
  }

  /** A file {'w': tensor} over one float storage '0' of {@code storageFloats} elements. */
  static void oneTensor(
      Path file, long numel, int storageFloats, long offset, long[] size, long[] stride)
      throws IOException {
    P p = new P().proto(2).op(Opcodes.EMPTY_DICT).string("w");
    tensor(p, "FloatStorage", "0", numel, offset, size, stride).op(Opcodes.SETITEM);
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("archive/data.pkl", p.stop());
    records.put("archive/data/0", new byte[storageFloats * 4]);
    ThCorruptionTest.writeArchive(file, records);
  }

  /** {'w0': t, 'w1': t, ...}: {@code count} distinct stride-0 tensors over one 4-float storage. */
  static void manyExpandedTensors(Path file, int count, long elementsEach) throws IOException {
    P p = new P().proto(2).op(Opcodes.EMPTY_DICT).op(Opcodes.MARK);
    for (int i = 0; i < count; i++) {
      p.string("w" + i);
      tensor(p, "FloatStorage", "0", 4, 0, new long[] {elementsEach}, new long[] {0});
    }
    p.op(Opcodes.SETITEMS);
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("archive/data.pkl", p.stop());
    records.put("archive/data/0", new byte[16]);
    ThCorruptionTest.writeArchive(file, records);
  }

  /** A file whose only record is this pickle. */
  static void pickle(Path file, byte[] pickle) throws IOException {
    ThCorruptionTest.writeArchive(file, Map.of("archive/data.pkl", pickle));
  }

  /**
   * A valid archive ({'w': float tensor of 4}) whose record archive/data/0 also spans the local
   * header and data of a second record archive/data/1: two records over the same bytes, the
   * building block of a zip bomb. Every CRC is right.
   */
  static void overlappingRecords(Path file) throws IOException {
    P p = new P().proto(2).op(Opcodes.EMPTY_DICT).string("w");
    tensor(p, "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).op(Opcodes.SETITEM);
    byte[] pickle = p.stop();
    byte[] inner = new byte[16];
    String pklName = "archive/data.pkl";
    String outerName = "archive/data/0";
    String innerName = "archive/data/1";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long pklOffset = out.size();
    out.writeBytes(localHeader(pklName, pickle));
    out.writeBytes(pickle);
    long outerOffset = out.size();
    byte[] innerRecord = concat(localHeader(innerName, inner), inner);
    out.writeBytes(localHeader(outerName, innerRecord));
    long innerOffset = out.size();
    out.writeBytes(innerRecord);
    long centralOffset = out.size();
    ByteArrayOutputStream central = new ByteArrayOutputStream();
    central.writeBytes(centralHeader(pklName, pickle, pklOffset));
    central.writeBytes(centralHeader(outerName, innerRecord, outerOffset));
    central.writeBytes(centralHeader(innerName, inner, innerOffset));
    out.writeBytes(central.toByteArray());
    out.writeBytes(end(3, central.size(), centralOffset));
    Files.write(file, out.toByteArray());
  }

  /**
   * A valid small checkpoint plus a record the reader has no use for, of {@code extraBytes} zeros.
   */
  static void withLargeExtraRecord(Path file, long extraBytes) throws IOException {
    P p = new P().proto(2).op(Opcodes.EMPTY_DICT).string("w");
    tensor(p, "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).op(Opcodes.SETITEM);
    byte[] pickle = p.stop();
    List<String> names = List.of("archive/data.pkl", "archive/data/0", "archive/extra");
    List<Long> sizes = List.of((long) pickle.length, 16L, extraBytes);
    CRC32 zeros = new CRC32();
    byte[] block = new byte[1 << 20];
    for (long done = 0; done < extraBytes; done += block.length) {
      zeros.update(block, 0, (int) Math.min(block.length, extraBytes - done));
    }
    int[] crcs = {crc(pickle), crc(new byte[16]), (int) zeros.getValue()};
    ZipLayout layout = new ZipLayout(names, sizes, ZipLayout.MAX_32);
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(layout.localHeader(layout.entries().get(0), crcs[0]));
      out.write(ByteBuffer.wrap(pickle));
      out.write(layout.localHeader(layout.entries().get(1), crcs[1]));
      out.write(ByteBuffer.wrap(new byte[16]));
      out.write(layout.localHeader(layout.entries().get(2), crcs[2]));
      out.position(out.position() + extraBytes); // a hole: zeros without writing them
      out.write(layout.trailer(crcs));
    }
  }

  /** What torch.jit.save writes, in miniature: a module pickle, constants and code records. */
  static void torchScriptArchive(Path file) throws IOException {
    byte[] module =
        new P()
            .proto(2)
            .global("__torch__", "Net")
            .op(Opcodes.EMPTY_TUPLE)
            .op(Opcodes.NEWOBJ)
            .op(Opcodes.EMPTY_DICT)
            .op(Opcodes.BUILD)
            .stop();
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("archive/data.pkl", module);
    records.put(
        "archive/code/__torch__.py",
        "class Net(Module):\n  pass\n".getBytes(StandardCharsets.UTF_8));
    records.put("archive/constants.pkl", new P().proto(2).op(Opcodes.EMPTY_TUPLE).stop());
    records.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    ThCorruptionTest.writeArchive(file, records);
  }

  /**
   * A safetensors file with this header (padded to 8 bytes) and {@code dataBytes} zero bytes after
   * it.
   */
  static void safetensors(Path file, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(json);
    while (b.position() < 8 + padded) {
      b.put((byte) ' ');
    }
    Files.write(file, b.array());
  }

  private static byte[] localHeader(String name, byte[] data) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(ZipLayout.LOCAL_HEADER_SIZE + n.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ZipLayout.LOCAL_HEADER_SIG)
        .putShort((short) 20)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0x21)
        .putInt(crc(data))
        .putInt(data.length)
        .putInt(data.length)
        .putShort((short) n.length)
        .putShort((short) 0)
        .put(n);
    return b.array();
  }

  private static byte[] centralHeader(String name, byte[] data, long headerOffset) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(ZipLayout.CENTRAL_HEADER_SIZE + n.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ZipLayout.CENTRAL_HEADER_SIG)
        .putShort((short) 20)
        .putShort((short) 20)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0x21)
        .putInt(crc(data))
        .putInt(data.length)
        .putInt(data.length)
        .putShort((short) n.length)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putInt(0)
        .putInt((int) headerOffset)
        .put(n);
    return b.array();
  }

  private static byte[] end(int count, int centralSize, long centralOffset) {
    ByteBuffer b = ByteBuffer.allocate(ZipLayout.END_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ZipLayout.END_SIG)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) count)
        .putShort((short) count)
        .putInt(centralSize)
        .putInt((int) centralOffset)
        .putShort((short) 0);
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static int crc(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return (int) crc.getValue();
  }

  /** A pickle built opcode by opcode, with the memo and integer opcodes the hostile files need. */
  static final class P {
    private final ThCorruptionTest.Pickle p = new ThCorruptionTest.Pickle();

    P op(int b) {
      p.op(b);
      return this;
    }

    P proto(int version) {
      p.proto(version);
      return this;
    }

    P le(long v, int bytes) {
      for (int i = 0; i < bytes; i++) {
        p.op((int) (v >>> (8 * i)) & 0xff);
      }
      return this;
    }

    P put(int index) {
      return op(Opcodes.LONG_BINPUT).le(index, 4);
    }

    P get(int index) {
      return op(Opcodes.LONG_BINGET).le(index, 4);
    }

    P integer(long v) {
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        return op(Opcodes.BININT).le(v, 4);
      }
      return op(Opcodes.LONG1).op(8).le(v, 8);
    }

    P string(String s) {
      p.string(s);
      return this;
    }

    P global(String module, String name) {
      p.global(module, name);
      return this;
    }

    byte[] stop() {
      return p.op(Opcodes.STOP).bytes();
    }
  }
}
