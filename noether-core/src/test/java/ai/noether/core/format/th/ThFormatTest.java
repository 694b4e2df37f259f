package ai.noether.core.format.th;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.noether.api.checkpoint.CheckpointFile;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ThFormatTest {
  private static final long[][] SHAPES = {
    {}, {0}, {0, 3}, {3, 0, 2}, {1}, {7}, {2, 3}, {1, 1, 5}, {2, 3, 4, 5, 1}
  };

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyDtypeAndOddShapeRoundTripsBitForBit(DType dtype) throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (int i = 0; i < SHAPES.length; i++) {
      tree.put("t" + i, TestTensors.random(dtype, SHAPES[i], i));
    }
    Path file = dir.resolve("all.th");
    ThFormat.write(file, tree);

    Map<String, Object> back = ThReader.read(file);

    assertThat(back.keySet()).containsExactlyElementsOf(tree.keySet());
    for (String key : tree.keySet()) {
      HostTensor expected = (HostTensor) tree.get(key);
      HostTensor actual = (HostTensor) back.get(key);
      assertThat(actual.dtype()).isEqualTo(dtype);
      assertThat(actual.shape()).as(key).containsExactly(expected.shape());
      assertThat(actual.contentEquals(expected)).as(key).isTrue();
    }
  }

  @Test
  void nestedTreeWithEveryValueTypeComesBackWithTheDocumentedJavaTypes() throws IOException {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z-last-alphabetically-first", 1);
    inner.put("a", List.of(1L, 2.5, "three", true));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("string", "grüße ✓");
    tree.put("empty", "");
    tree.put("int", 7);
    tree.put("long", 1L << 40);
    tree.put("negative", -3L);
    tree.put("min", Long.MIN_VALUE);
    tree.put("max", Long.MAX_VALUE);
    tree.put(
        "byte-boundaries",
        List.of(
            255L,
            256L,
            65535L,
            65536L,
            (long) Integer.MAX_VALUE,
            1L + Integer.MAX_VALUE,
            (long) Integer.MIN_VALUE,
            Integer.MIN_VALUE - 1L));
    tree.put("double", 0.1);
    tree.put("float", 0.5f);
    tree.put("nan", Double.NaN);
    tree.put("inf", Double.NEGATIVE_INFINITY);
    tree.put("true", true);
    tree.put("false", false);
    tree.put("none", null);
    tree.put("list", Arrays.asList(1, null, "x", List.of(), Map.of()));
    tree.put("nested", inner);
    tree.put("plain-map", new TreeMap<>(Map.of("b", 2L, "a", 1L)));
    tree.put("int-keys", new LinkedHashMap<>(Map.of(3L, "three")));
    tree.put("tensor", HostTensor.ofFloats(new long[] {2}, 1f, 2f));

    Map<String, Object> back = ThReader.read(write(tree));

    assertThat(back.keySet()).containsExactlyElementsOf(tree.keySet());
    assertThat(back.get("string")).isEqualTo("grüße ✓");
    assertThat(back.get("empty")).isEqualTo("");
    assertThat(back.get("int")).isEqualTo(7L);
    assertThat(back.get("long")).isEqualTo(1L << 40);
    assertThat(back.get("negative")).isEqualTo(-3L);
    assertThat(back.get("min")).isEqualTo(Long.MIN_VALUE);
    assertThat(back.get("max")).isEqualTo(Long.MAX_VALUE);
    assertThat(back.get("byte-boundaries")).isEqualTo(tree.get("byte-boundaries"));
    assertThat(back.get("double")).isEqualTo(0.1);
    assertThat(back.get("float")).isEqualTo(0.5);
    assertThat((Double) back.get("nan")).isNaN();
    assertThat(back.get("inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(back.get("true")).isEqualTo(true);
    assertThat(back.get("false")).isEqualTo(false);
    assertThat(back).containsEntry("none", null);
    assertThat(back.get("list")).isEqualTo(Arrays.asList(1L, null, "x", List.of(), Map.of()));
    assertThat(back.get("nested")).isInstanceOf(LinkedHashMap.class);
    assertThat(new ArrayList<Object>(((Map<?, ?>) back.get("nested")).keySet()))
        .containsExactly("z-last-alphabetically-first", "a");
    assertThat(back.get("nested"))
        .isEqualTo(Map.of("z-last-alphabetically-first", 1L, "a", List.of(1L, 2.5, "three", true)));
    assertThat(new ArrayList<Object>(((Map<?, ?>) back.get("plain-map")).keySet()))
        .containsExactly("a", "b");
    assertThat(back.get("int-keys")).isEqualTo(Map.of(3L, "three"));
    assertThat(((HostTensor) back.get("tensor")).toFloatArray()).containsExactly(1f, 2f);
  }

  @Test
  void keyOrderOfALargeStateDictIsPreserved() throws IOException {
    Map<String, Object> stateDict = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add("layer" + (i * 7919 % 300) + ".weight");
    }
    for (String key : keys) {
      stateDict.put(key, HostTensor.ofFloats(new long[] {1}, key.hashCode()));
    }

    Map<String, Object> back = ThReader.read(write(Map.of("state_dict", stateDict)));

    Map<?, ?> sd = (Map<?, ?>) back.get("state_dict");
    assertThat(new ArrayList<>(sd.keySet())).isEqualTo(keys);
    assertThat(((HostTensor) sd.get(keys.get(17))).toFloatArray())
        .containsExactly((float) keys.get(17).hashCode());
  }

  @Test
  void theSameTensorTwiceIsStoredOnceAndLoadsAsOneSharedMapping() throws IOException {
    HostTensor shared = TestTensors.random(DType.FLOAT32, new long[] {1000}, 1);
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("a", shared);
    tree.put("b", shared);

    Path file = write(tree);
    Map<String, Object> back = ThReader.read(file);

    assertThat(entryNames(file))
        .containsExactly(
            "archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/version");
    assertThat(((HostTensor) back.get("a")).contentEquals(shared)).isTrue();
    assertThat(((HostTensor) back.get("b")).buffer())
        .isEqualTo(((HostTensor) back.get("a")).buffer());
  }

  @Test
  void loadedTensorsAreMemoryMappedNotCopied() throws IOException {
    Map<String, Object> back =
        ThReader.read(
            write(Map.of("w", TestTensors.random(DType.FLOAT32, new long[] {64, 64}, 3))));

    ByteBuffer chunk = ((HostTensor) back.get("w")).chunks().get(0);
    assertThat(chunk.isDirect()).isTrue();
    assertThat(chunk.isReadOnly()).isTrue();
    // A read-only duplicate of a mapping keeps the MappedByteBuffer type.
    assertThat(chunk).isInstanceOf(MappedByteBuffer.class);
  }

  @Test
  void archiveIsAStoredZipWhoseRecordsStartAt64ByteBoundaries() throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      tree.put("t" + i, TestTensors.random(DType.INT8, new long[] {i * 13 + 1}, i));
    }
    Path file = write(tree);

    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
        zip.getInputStream(e).readAllBytes(); // the JDK checks the CRC-32 too
      }
      assertThat(new String(zip.getInputStream(zip.getEntry("archive/version")).readAllBytes()))
          .isEqualTo("3\n");
      assertThat(new String(zip.getInputStream(zip.getEntry("archive/byteorder")).readAllBytes()))
          .isEqualTo("little");
    }
    for (ZipDirectory.Record r : directory(file).all()) {
      assertThat(r.dataOffset() % 64).as(r.name()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 300, 5000})
  void recordsAtOrPastTheZip64LimitUseZip64FieldsThatTheJdkZipReaderAccepts(long zip64Limit)
      throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      tree.put("t" + i, TestTensors.random(DType.INT16, new long[] {i * 300 + 1}, i));
    }
    Path file = dir.resolve("zip64.th");
    ThArchive archive = ThArchive.of(tree, zip64Limit);
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      archive.writeTo(out);
    }

    assertThat(Files.size(file)).isEqualTo(archive.size());
    try (ZipFile zip = new ZipFile(file.toFile())) {
      assertThat(zip.size()).isEqualTo(tree.size() + 3);
      for (ZipDirectory.Record r : directory(file).all()) {
        ZipEntry e = zip.getEntry(r.name());
        assertThat(e.getSize()).isEqualTo(r.size());
        assertThat(zip.getInputStream(e).readAllBytes()).hasSize((int) r.size());
      }
    }
    Map<String, Object> back = ThReader.read(file);
    for (String key : tree.keySet()) {
      assertThat(((HostTensor) back.get(key)).contentEquals((HostTensor) tree.get(key)))
          .as(key)
          .isTrue();
    }
  }

  @Test
  void encoderKnowsTheExactSizeAndWritesAtTheChannelsPosition() throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", Map.of("w", TestTensors.random(DType.BFLOAT16, new long[] {33, 3}, 5)));
    tree.put("checkpoint_tag", "latest");
    CheckpointFileName name =
        CheckpointFileName.of("mlp", CheckpointTag.LATEST, CheckpointFileKind.MODEL);
    CheckpointFile encoded = ThFormat.encoder().encode(name, tree);

    Path file = dir.resolve(name.format());
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      encoded.writeTo(out);
      assertThat(out.position()).isEqualTo(encoded.size());
      out.truncate(0).position(0);
      encoded.writeTo(out); // a retry after a failed attempt writes the same bytes again
    }

    assertThat(encoded.name()).isEqualTo(name);
    assertThat(Files.size(file)).isEqualTo(encoded.size());
    assertThat(ThReader.read(file).get("checkpoint_tag")).isEqualTo("latest");
  }

  @Test
  void unsupportedValuesAreRejectedNamingTheirPathBeforeAnythingIsWritten() {
    Map<String, Object> tree = Map.of("config", Map.of("optimizer", List.of("adam", new Object())));

    assertThatThrownBy(() -> ThFormat.write(dir.resolve("x.th"), tree))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'config.optimizer[1]'")
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("allowed: Map, List, String");
    assertThat(dir.resolve("x.th")).doesNotExist();
  }

  @Test
  void aTreeThatContainsItselfIsRejected() {
    Map<String, Object> tree = new HashMap<>();
    List<Object> loop = new ArrayList<>();
    loop.add(loop);
    tree.put("loop", loop);

    assertThatThrownBy(
            () ->
                ThFormat.encoder()
                    .encode(
                        CheckpointFileName.of("m", CheckpointTag.LATEST, CheckpointFileKind.MODEL),
                        tree))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'loop[0]' contains itself");
  }

  @Test
  void aTreeNestedDeeperThanReadersAllowIsRejected() {
    List<Object> deep = new ArrayList<>();
    List<Object> current = deep;
    for (int i = 0; i < 1500; i++) {
      List<Object> next = new ArrayList<>();
      current.add(next);
      current = next;
    }

    assertThatThrownBy(() -> ThFormat.write(dir.resolve("deep.th"), Map.of("deep", deep)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 1000 levels");
  }

  @Test
  void aBareTensorAsRootCanBeReadWithReadObjectButNotAsADict() throws IOException {
    Path file = dir.resolve("bare.th");
    ThFormat.write(file, Map.of("x", 1));
    assertThat(ThReader.readObject(file)).isEqualTo(Map.of("x", 1L));
    assertThat(Collections.unmodifiableMap(ThReader.read(file))).containsEntry("x", 1L);
  }

  private Path write(Map<String, ?> tree) throws IOException {
    Path file = Files.createTempFile(dir, "tree", ".th");
    ThFormat.write(file, tree);
    return file;
  }

  static List<String> entryNames(Path file) throws IOException {
    return new ArrayList<>(directory(file).records().keySet());
  }

  static ZipDirectory directory(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      return ZipDirectory.read(ch, file.toString());
    }
  }
}
