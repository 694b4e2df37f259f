package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits a read of an untrusted file works within can be raised for a trusted file, and the
 * graph check that enforces them keeps what a legitimate file shares.
 */
class ThReadLimitsTest {
  @TempDir Path dir;

  @Test
  void aTrustedFileWithALargeExpandedTensorLoadsOnceTheAllowanceIsRaised() throws IOException {
    Path file = dir.resolve("expanded.th");
    long rows = 20L << 20; // 20 Mi rows of 4 floats: 320 MiB once copied, from a 16-byte storage
    writeExpanded(file, rows);

    assertThatThrownBy(() -> ThReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("would be copied into 335544320 bytes")
        .hasMessageContaining("-Dnoether.th.copyAllowance=");

    Map<String, Object> loaded =
        ThReader.read(file, ThReadLimits.defaults().withCopyAllowanceBytes(512L << 20));

    HostTensor w = (HostTensor) loaded.get("w");
    assertThat(w.shape()).containsExactly(rows, 4);
    ByteBuffer last =
        w.chunks().get(w.chunks().size() - 1).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(last.getFloat(last.limit() - 16)).isEqualTo(1f);
    assertThat(last.getFloat(last.limit() - 4)).isEqualTo(4f);
  }

  @Test
  void theAllowanceIsReadFromTheSystemPropertyWithSizeSuffixes() {
    String before = System.getProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY);
    try {
      System.setProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY, "8g");
      assertThat(ThReadLimits.defaults().copyAllowanceBytes()).isEqualTo(8L << 30);
      System.setProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY, "1000");
      assertThat(ThReadLimits.defaults().copyAllowanceBytes()).isEqualTo(1000);
      System.setProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY, "lots");
      assertThatThrownBy(ThReadLimits::defaults)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "-Dnoether.th.copyAllowance=lots is not a size in bytes; write e.g. 268435456, 256m or 8g");
      System.clearProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY);
      assertThat(ThReadLimits.defaults())
          .isEqualTo(
              new ThReadLimits(
                  ThReadLimits.DEFAULT_COPY_ALLOWANCE_BYTES, ThReadLimits.DEFAULT_MAX_TREE_VALUES));
    } finally {
      if (before == null) {
        System.clearProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY);
      } else {
        System.setProperty(ThReadLimits.COPY_ALLOWANCE_PROPERTY, before);
      }
    }
  }

  @Test
  void sharedContainersAndTiedTensorsStaySharedAfterTheGraphCheck() throws IOException {
    // {'a': l10 (a diamond of 10 levels), 'x': t, 'y': t, 'z': [t, (t, 1)]} with one tensor t
    HostileFiles.P p =
        new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).op(Opcodes.MARK).string("a");
    HostileFiles.listDiamond(p, 10).string("x");
    HostileFiles.tensor(p, "FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {1, 2})
        .put(500);
    p.string("y")
        .get(500)
        .string("z")
        .op(Opcodes.EMPTY_LIST)
        .op(Opcodes.MARK)
        .get(500)
        .get(500)
        .integer(1)
        .op(Opcodes.TUPLE2)
        .op(Opcodes.APPENDS)
        .op(Opcodes.SETITEMS);
    Path file = dir.resolve("shared.th");
    ThCorruptionTest.writeArchive(
        file, Map.of("archive/data.pkl", p.stop(), "archive/data/0", floats(1, 2, 3, 4)));

    Map<String, Object> loaded = ThReader.read(file);

    List<?> top = (List<?>) loaded.get("a");
    assertThat(top.get(0)).isSameAs(top.get(1));
    List<?> bottom = top;
    for (int level = 0; level < 10; level++) {
      bottom = (List<?>) bottom.get(1);
    }
    assertThat(bottom).isEmpty();
    HostTensor x = (HostTensor) loaded.get("x");
    assertThat(x.toFloatArray())
        .containsExactly(1f, 3f, 2f, 4f); // the transposed view, copied row-major
    assertThat(loaded.get("y")).isSameAs(x);
    List<?> z = (List<?>) loaded.get("z");
    assertThat(z.get(0)).isSameAs(x);
    assertThat(((List<?>) z.get(1)).get(0)).isSameAs(x);
    assertThat(((List<?>) z.get(1)).get(1)).isEqualTo(1L);
  }

  @Test
  void expandedTensorsOfEveryDtypeCopyTheRightBytesElementByElement() throws IOException {
    for (DType dtype : DType.values()) {
      // storage [e0, e1]; tensor size (2, 3), stride (1, 0): [[e0, e0, e0], [e1, e1, e1]]
      HostileFiles.P p = new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).string("w");
      HostileFiles.tensor(
              p,
              TorchTypes.storageClass(dtype).substring("torch.".length()),
              "0",
              2,
              0,
              new long[] {2, 3},
              new long[] {1, 0})
          .op(Opcodes.SETITEM);
      byte[] storage = new byte[2 * dtype.byteSize()];
      for (int i = 0; i < storage.length; i++) {
        storage[i] = (byte) (dtype == DType.BOOL ? i % 2 : 0x11 * (i + 1));
      }
      Path file = dir.resolve(dtype + ".th");
      Map<String, byte[]> records = new LinkedHashMap<>();
      records.put("archive/data.pkl", p.stop());
      records.put("archive/data/0", storage);
      ThCorruptionTest.writeArchive(file, records);

      HostTensor w = (HostTensor) ThReader.read(file).get("w");

      ByteBuffer expected = ByteBuffer.allocate(6 * dtype.byteSize());
      for (int row = 0; row < 2; row++) {
        for (int column = 0; column < 3; column++) {
          expected.put(storage, row * dtype.byteSize(), dtype.byteSize());
        }
      }
      assertThat(w.shape()).as("%s", dtype).containsExactly(2, 3);
      assertThat(w.buffer()).as("%s", dtype).isEqualTo(expected.flip());
    }
  }

  @Test
  void aDictMixingKeyKindsStillLoads() throws IOException {
    Map<Object, Object> mixed = new LinkedHashMap<>();
    for (long i = 0; i < 300; i++) {
      mixed.put(i, "int " + i);
      mixed.put("s" + i, i);
      mixed.put(i + 0.5, i);
    }
    mixed.put(true, "yes");
    mixed.put(null, "none");
    Path file = dir.resolve("mixed.th");
    ThFormat.write(file, Map.of("mixed", mixed));

    assertThat(ThReader.read(file).get("mixed")).isEqualTo(mixed);
  }

  private static void writeExpanded(Path file, long rows) throws IOException {
    HostileFiles.P p = new HostileFiles.P().proto(2).op(Opcodes.EMPTY_DICT).string("w");
    HostileFiles.tensor(p, "FloatStorage", "0", 4, 0, new long[] {rows, 4}, new long[] {0, 1})
        .op(Opcodes.SETITEM);
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("archive/data.pkl", p.stop());
    records.put("archive/data/0", floats(1, 2, 3, 4));
    ThCorruptionTest.writeArchive(file, records);
  }

  private static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }
}
