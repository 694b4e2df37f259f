package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.core.format.PythonTorch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged, truncated and hostile files fail with a CorruptCheckpointException naming the file. */
class ThCorruptionTest {
  @TempDir Path dir;
  private Path marker;

  @BeforeEach
  void setUp() {
    marker = dir.resolve("pwned");
  }

  @Test
  void flippingAnyByteIsDetectedOrLeavesTheLoadedValuesUnchanged() throws IOException {
    Path original = dir.resolve("mlp_cp=latest_model.th");
    ThFormat.write(original, smallTree());
    byte[] bytes = Files.readAllBytes(original);
    Object expected = ThTorchInteropTest.describe(ThReader.read(original), false);
    List<long[]> dataRegions = dataRegions(original);
    Path damaged = dir.resolve("damaged_cp=latest_model.th");

    int detected = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte[] copy = bytes.clone();
      copy[i] ^= 0x5A;
      Files.write(damaged, copy);
      Throwable thrown =
          catchThrowable(() -> ThTorchInteropTest.describe(ThReader.read(damaged), false));
      if (thrown == null) {
        // An undetected flip may only touch bytes that carry no content (dates, padding, versions).
        assertThat(ThTorchInteropTest.describe(ThReader.read(damaged), false))
            .as("flip at %d", i)
            .isEqualTo(expected);
        assertThat(inside(dataRegions, i))
            .as("flip at %d is in a record's data yet went unnoticed", i)
            .isFalse();
      } else {
        assertThat(thrown).as("flip at %d", i).isInstanceOf(CorruptCheckpointException.class);
        assertThat(thrown.getMessage()).as("flip at %d", i).startsWith(damaged.toString() + ": ");
        detected++;
      }
    }
    assertThat(detected)
        .as("flips detected out of %d", bytes.length)
        .isGreaterThan(bytes.length * 3 / 4);
  }

  @Test
  void aFlippedTensorByteIsReportedWithTheRecordAndBothChecksums() throws IOException {
    Path file = dir.resolve("mlp_cp=latest_model.th");
    ThFormat.write(file, smallTree());
    ZipDirectory.Record record = ThFormatTest.directory(file).records().get("archive/data/1");
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ZipDirectory.readAt(ch, record.dataOffset() + 3, 1);
      b.put(0, (byte) (b.get(0) ^ 1));
      ch.write(b, record.dataOffset() + 3);
    }

    assertThatThrownBy(() -> ThReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageMatching(
            java.util.regex.Pattern.quote(file.toString())
                + ": record archive/data/1 is corrupt: CRC-32 0x[0-9a-f]{8}, expected 0x[0-9a-f]{8}");
  }

  @Test
  void truncatingAtAnyOffsetIsReportedAsCorrupt() throws IOException {
    Path original = dir.resolve("mlp_cp=E1_U2_S3_model.th");
    ThFormat.write(original, smallTree());
    byte[] bytes = Files.readAllBytes(original);
    Path truncated = dir.resolve("truncated_cp=latest_model.th");

    for (int length = 0; length < bytes.length; length++) {
      Files.write(truncated, java.util.Arrays.copyOf(bytes, length));
      int at = length;
      assertThatThrownBy(() -> ThReader.read(truncated))
          .as("truncated to %d bytes", at)
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageStartingWith(truncated + ": ");
    }
  }

  @Test
  void damageInAFileWithALargeTensorIsDetectedWherever() throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>(smallTree());
    tree.put(
        "big",
        TestTensors.random(
            DType.FLOAT32, new long[] {1 << 20}, 42)); // 4 MiB: CRC patched after data
    Path original = dir.resolve("big.th");
    ThFormat.write(original, tree);
    byte[] bytes = Files.readAllBytes(original);
    Path damaged = dir.resolve("damaged.th");
    Random random = new Random(7);

    for (int n = 0; n < 100; n++) {
      int i = random.nextInt(bytes.length);
      byte[] copy = bytes.clone();
      copy[i] ^= (byte) (1 << random.nextInt(8));
      Files.write(damaged, copy);
      int length = random.nextInt(bytes.length);
      Throwable flipped = catchThrowable(() -> ThReader.read(damaged));
      Files.write(damaged, java.util.Arrays.copyOf(bytes, length));
      Throwable cut = catchThrowable(() -> ThReader.read(damaged));

      if (inside(dataRegions(original), i)) {
        assertThat(flipped).as("flip at %d", i).isInstanceOf(CorruptCheckpointException.class);
      }
      if (flipped != null) {
        assertThat(flipped)
            .as("flip at %d", i)
            .isInstanceOf(CorruptCheckpointException.class)
            .hasMessageStartingWith(damaged + ": ");
      }
      assertThat(cut)
          .as("truncated to %d", length)
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageStartingWith(damaged + ": ");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "posix system",
        "os system",
        "builtins eval",
        "subprocess Popen",
        "torch load",
        "torch._utils _rebuild_qtensor",
        "__builtin__ getattr"
      })
  void aPickleCallingAForbiddenGlobalIsRefusedNamingItAndRunsNothing(String global)
      throws IOException {
    String[] parts = global.split(" ");
    byte[] pickle =
        new Pickle()
            .proto(2)
            .global(parts[0], parts[1])
            .string("touch " + marker)
            .op(Opcodes.TUPLE1)
            .op(Opcodes.REDUCE)
            .op(Opcodes.STOP)
            .bytes();
    Path file = dir.resolve("evil_cp=latest_model.th");
    writeArchive(file, Map.of("archive/data.pkl", pickle));

    Throwable thrown = catchThrowable(() -> ThReader.read(file));

    assertThat(thrown)
        .isInstanceOf(ForbiddenGlobalException.class)
        .hasMessageStartingWith(
            file
                + ": record archive/data.pkl refers to the global '"
                + parts[0]
                + "."
                + parts[1]
                + "'")
        .hasMessageContaining("Allowed globals: collections.OrderedDict");
    assertThat(((ForbiddenGlobalException) thrown).global()).isEqualTo(parts[0] + "." + parts[1]);
    assertThat(marker).doesNotExist();
  }

  @Test
  void aProtocol4StackGlobalIsRefusedToo() throws IOException {
    byte[] pickle =
        new Pickle()
            .proto(4)
            .shortString("posix")
            .shortString("system")
            .op(Opcodes.STACK_GLOBAL)
            .shortString("touch " + marker)
            .op(Opcodes.TUPLE1)
            .op(Opcodes.REDUCE)
            .op(Opcodes.STOP)
            .bytes();
    Path file = dir.resolve("evil.th");
    writeArchive(file, Map.of("archive/data.pkl", pickle));

    assertThatThrownBy(() -> ThReader.read(file))
        .isInstanceOf(ForbiddenGlobalException.class)
        .hasMessageContaining("'posix.system'");
    assertThat(marker).doesNotExist();
  }

  @Test
  void theRefusedPayloadIsLiveWhenPythonUnpicklesIt() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(PythonTorch.PYTHON), "no /usr/bin/python3");
    byte[] pickle =
        new Pickle()
            .proto(2)
            .global("posix", "system")
            .string("touch " + marker)
            .op(Opcodes.TUPLE1)
            .op(Opcodes.REDUCE)
            .op(Opcodes.STOP)
            .bytes();
    Path file = dir.resolve("evil.th");
    writeArchive(file, Map.of("archive/data.pkl", pickle));
    assertThatThrownBy(() -> ThReader.read(file)).isInstanceOf(ForbiddenGlobalException.class);
    assertThat(marker).doesNotExist();

    // The same record through Python's unrestricted pickle runs the command: the test payload is
    // real.
    PythonTorch.run(
        List.of(
            "-c",
            "import pickle, sys, zipfile; pickle.loads(zipfile.ZipFile(sys.argv[1])"
                + ".read('archive/data.pkl'))",
            file.toString()));

    assertThat(marker).exists();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reduce-with-args",
        "build-on-tensor",
        "missing-storage",
        "storage-too-small",
        "view-past-storage",
        "empty-stack",
        "unknown-opcode",
        "truncated",
        "bare-storage-class",
        "bytes-value",
        "self-containing",
        "two-values",
        "negative-shape",
        "deep-nesting",
        "list-in-a-key"
      })
  void malformedPicklesAreReportedAsCorrupt(String kind) throws IOException {
    Pickle p = new Pickle().proto(2);
    Map<String, byte[]> records = new LinkedHashMap<>();
    byte[] floats = new byte[16];
    String expected;
    switch (kind) {
      case "reduce-with-args" -> {
        p.global("collections", "OrderedDict")
            .op(Opcodes.EMPTY_LIST)
            .op(Opcodes.TUPLE1)
            .op(Opcodes.REDUCE);
        expected = "OrderedDict is rebuilt without arguments";
      }
      case "build-on-tensor" -> {
        tensor(p, "0", 4, 0, 4).op(Opcodes.EMPTY_DICT).op(Opcodes.BUILD);
        records.put("archive/data/0", floats);
        expected = "BUILD on HostTensor";
      }
      case "missing-storage" -> {
        tensor(p, "../../etc/passwd", 4, 0, 4);
        expected = "record archive/data/../../etc/passwd is missing";
      }
      case "storage-too-small" -> {
        tensor(p, "0", 8, 0, 8);
        records.put("archive/data/0", floats);
        expected = "holds 16 bytes but its storage of 8 FLOAT32 needs 32";
      }
      case "view-past-storage" -> {
        tensor(p, "0", 4, 2, 3);
        records.put("archive/data/0", floats);
        expected = "reaches element 4 of storage 0 (4 FLOAT32), which has only 4";
      }
      case "empty-stack" -> {
        p.op(Opcodes.REDUCE);
        expected = "the stack is empty";
      }
      case "unknown-opcode" -> {
        p.op('S');
        expected = "opcode 'S' (a text-protocol opcode) is not supported";
      }
      case "truncated" -> {
        p.op(Opcodes.BINUNICODE).op(100).op(0).op(0).op(0).op('a');
        expected = "is truncated";
      }
      case "bare-storage-class" -> {
        p.global("torch", "FloatStorage");
        expected = "the root object is a bare torch.FloatStorage";
      }
      case "bytes-value" -> {
        p.op('C').op(1).op('x');
        expected = "BINBYTES (a bytes value)";
      }
      case "self-containing" -> {
        p.op(Opcodes.EMPTY_LIST)
            .op(Opcodes.BINPUT)
            .op(0)
            .op(Opcodes.BINGET)
            .op(0)
            .op(Opcodes.APPEND);
        expected = "contains itself";
      }
      case "two-values" -> {
        p.op(Opcodes.NONE).op(Opcodes.NONE);
        expected = "ends with 2 values on the stack";
      }
      case "negative-shape" -> {
        p.global("torch._utils", "_rebuild_tensor_v2").op(Opcodes.MARK);
        storage(p, "0", 4)
            .int1(0)
            .op(Opcodes.BININT)
            .op(0xff)
            .op(0xff)
            .op(0xff)
            .op(0xff)
            .op(Opcodes.TUPLE1)
            .int1(1)
            .op(Opcodes.TUPLE1)
            .op(Opcodes.NEWFALSE)
            .op(Opcodes.NONE)
            .op(Opcodes.TUPLE)
            .op(Opcodes.REDUCE);
        records.put("archive/data/0", floats);
        expected = "must hold non-negative ints";
      }
      case "deep-nesting" -> {
        for (int i = 0; i <= 2000; i++) {
          p.op(Opcodes.EMPTY_LIST);
        }
        for (int i = 0; i < 2000; i++) {
          p.op(Opcodes.APPEND);
        }
        expected = "nested deeper than 1000 levels";
      }
      case "list-in-a-key" -> {
        p.op(Opcodes.EMPTY_DICT)
            .op(Opcodes.EMPTY_LIST)
            .op(Opcodes.BINPUT)
            .op(0)
            .op(Opcodes.BINGET)
            .op(0)
            .op(Opcodes.APPEND)
            .op(Opcodes.TUPLE1)
            .op(Opcodes.NONE)
            .op(Opcodes.SETITEM);
        expected = "dict key a tuple of 1 is not supported";
      }
      default -> throw new AssertionError(kind);
    }
    records.put("archive/data.pkl", p.op(Opcodes.STOP).bytes());
    Path file = dir.resolve("bad.th");
    writeArchive(file, records);

    assertThatThrownBy(() -> ThReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .isNotInstanceOf(ForbiddenGlobalException.class)
        .hasMessageStartingWith(file + ": record archive/")
        .hasMessageContaining(expected);
  }

  @Test
  void aLegacyTorchFileIsRecognisedAndExplained() throws IOException {
    Path file = dir.resolve("legacy.pt");
    Files.write(file, new Pickle().proto(2).op(Opcodes.NONE).op(Opcodes.STOP).bytes());

    assertThatThrownBy(() -> ThReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(file + ": no zip end record found")
        .hasMessageContaining("legacy format");
  }

  @Test
  void aZipWithoutAPickleOrWithCompressedRecordsIsRejected() throws IOException {
    Path plain = dir.resolve("plain.zip");
    try (OutputStream out = Files.newOutputStream(plain);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
      ZipEntry stored = new ZipEntry("readme.txt");
      stored.setMethod(ZipEntry.STORED);
      stored.setSize(hello.length);
      CRC32 crc = new CRC32();
      crc.update(hello);
      stored.setCrc(crc.getValue());
      zip.putNextEntry(stored);
      zip.write(hello);
    }
    Path deflated = dir.resolve("deflated.th");
    try (OutputStream out = Files.newOutputStream(deflated);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(new Pickle().proto(2).op(Opcodes.NONE).op(Opcodes.STOP).bytes());
    }

    assertThatThrownBy(() -> ThReader.read(plain))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            plain
                + ": the archive has no record <name>/data.pkl; it is a zip file but not one torch.save wrote");
    assertThatThrownBy(() -> ThReader.read(deflated))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage(
            deflated
                + ": record archive/data.pkl is compressed (zip method 8); .th records are stored"
                + " uncompressed, as torch.save writes them");
  }

  private static Map<String, Object> smallTree() {
    Map<String, Object> stateDict = new LinkedHashMap<>();
    stateDict.put("0.weight", TestTensors.random(DType.FLOAT32, new long[] {3, 4}, 1));
    stateDict.put("0.bias", TestTensors.random(DType.BFLOAT16, new long[] {3}, 2));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", stateDict);
    tree.put("checkpoint_tag", "latest");
    tree.put("training_iteration", Map.of("epoch", 1L, "update", 2L, "sample", 3L));
    tree.put("lr", 0.001);
    return tree;
  }

  /** [start, end) of every record's data. */
  private static List<long[]> dataRegions(Path file) throws IOException {
    List<long[]> regions = new ArrayList<>();
    for (ZipDirectory.Record r : ThFormatTest.directory(file).all()) {
      regions.add(new long[] {r.dataOffset(), r.dataOffset() + r.size()});
    }
    return regions;
  }

  private static boolean inside(List<long[]> regions, long position) {
    return regions.stream().anyMatch(r -> position >= r[0] && position < r[1]);
  }

  /**
   * {@code _rebuild_tensor_v2(storage(key, numel), offset, (size,), (1,), False, None)} as a float
   * tensor.
   */
  private static Pickle tensor(Pickle p, String key, int numel, int offset, int size) {
    p.global("torch._utils", "_rebuild_tensor_v2").op(Opcodes.MARK);
    storage(p, key, numel)
        .int1(offset)
        .int1(size)
        .op(Opcodes.TUPLE1)
        .int1(1)
        .op(Opcodes.TUPLE1)
        .op(Opcodes.NEWFALSE)
        .op(Opcodes.NONE)
        .op(Opcodes.TUPLE);
    return p.op(Opcodes.REDUCE);
  }

  private static Pickle storage(Pickle p, String key, int numel) {
    return p.op(Opcodes.MARK)
        .string("storage")
        .global("torch", "FloatStorage")
        .string(key)
        .string("cpu")
        .int1(numel)
        .op(Opcodes.TUPLE)
        .op(Opcodes.BINPERSID);
  }

  /**
   * Writes a valid stored zip holding exactly these records (correct CRCs), for hand-made pickles.
   */
  static void writeArchive(Path file, Map<String, byte[]> records) throws IOException {
    List<String> names = new ArrayList<>(records.keySet());
    List<Long> sizes = new ArrayList<>();
    int[] crcs = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      byte[] data = records.get(names.get(i));
      sizes.add((long) data.length);
      CRC32 crc = new CRC32();
      crc.update(data);
      crcs[i] = (int) crc.getValue();
    }
    ZipLayout layout = new ZipLayout(names, sizes, ZipLayout.MAX_32);
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int i = 0; i < names.size(); i++) {
        out.write(layout.localHeader(layout.entries().get(i), crcs[i]));
        out.write(ByteBuffer.wrap(records.get(names.get(i))));
      }
      out.write(layout.trailer(crcs));
    }
  }

  /** Builds pickles opcode by opcode. */
  static final class Pickle {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle op(int b) {
      out.write(b);
      return this;
    }

    Pickle proto(int version) {
      return op(Opcodes.PROTO).op(version);
    }

    Pickle int1(int v) {
      return op(Opcodes.BININT1).op(v);
    }

    Pickle global(String module, String name) {
      op(Opcodes.GLOBAL);
      out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Pickle string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op(Opcodes.BINUNICODE).op(b.length).op(b.length >> 8).op(b.length >> 16).op(b.length >> 24);
      out.writeBytes(b);
      return this;
    }

    Pickle shortString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op(Opcodes.SHORT_BINUNICODE).op(b.length);
      out.writeBytes(b);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
