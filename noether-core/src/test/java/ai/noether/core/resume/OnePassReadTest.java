package ai.noether.core.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.checkpoint.StageId;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.checkpoint.StoredFile;
import ai.noether.api.checkpoint.TrainingIteration;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.store.FileCheckpointStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint read through the file store is checked in one pass: the store's CRC32C of the whole
 * file is computed while the {@code .th} records' CRC-32s are, instead of in a pass of its own when
 * the file is opened. Every byte stays verified (headers and padding no record CRC covers, too),
 * and damaged bytes are reported exactly as the store's own open reports them.
 */
class OnePassReadTest {
  private static final StageId STAGE = new StageId("run1", "train");
  private static final TrainingIteration IT = new TrainingIteration(1, 10, 320);
  private static final CheckpointTag TAG = CheckpointTag.at(IT);
  private static final int BIG = 8 << 20; // floats: 32 MiB

  @TempDir Path outputDir;
  private FileCheckpointStore store;
  private StoredCheckpoint checkpoint;
  private StoredFile modelFile;
  private Path stored;
  private Map<String, HostTensor> written;

  @BeforeEach
  void commit() throws IOException {
    store = FileCheckpointStore.builder().setOutputDir(outputDir).optFsync(false).build();
    SplittableRandom random = new SplittableRandom(7);
    written = new LinkedHashMap<>();
    written.put("small.bias", floats(random, 3));
    written.put("big.weight", floats(random, BIG));
    written.put("other.weight", floats(random, 4097));
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("state_dict", written);
    tree.put("training_iteration", IT.toString());
    CheckpointFileName name = CheckpointFileName.of("net", TAG, CheckpointFileKind.MODEL);
    store.commit(
        STAGE,
        TAG,
        IT,
        List.of(ThFormat.encoder().encode(name, tree)),
        Set.of(CheckpointTag.LATEST));
    checkpoint =
        store.resolve(STAGE, ai.noether.api.checkpoint.CheckpointSelector.parse(TAG.token()));
    modelFile = checkpoint.file("net", null, CheckpointFileKind.MODEL).orElseThrow();
    stored = Path.of(store.location(checkpoint, modelFile));
  }

  @Test
  void aWarmReadReadsTheFileOnceNotOncePerChecksumAndLoadsTheBytesAsWritten() throws IOException {
    assumeThat(Path.of("/proc/self/io")).as("Linux counts the bytes a process reads").exists();
    long size = Files.size(stored);
    CheckpointReader.modelWeights(
        store, checkpoint, "net", null); // classes loaded, file in the page cache
    Files.readAllBytes(stored);

    long before = bytesRead();
    Map<String, HostTensor> read = CheckpointReader.modelWeights(store, checkpoint, "net", null);
    long after = bytesRead();

    // The records are checked through a mapping of the page cache; the store's CRC32C used to read
    // the whole file with read() first. Now only the headers and the pickle are read().
    assertThat(after - before)
        .as("bytes read() by a warm read of a %d-byte file", size)
        .isLessThan(size / 8);
    assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(written.keySet());
    written.forEach(
        (key, tensor) ->
            assertThat(read.get(key).contentEquals(tensor)).as(key + " bit for bit").isTrue());
  }

  /**
   * Where in the file a byte is flipped: each is covered by the file's CRC32C; only some by a
   * record's CRC-32.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "tensor record",
        "padding in a local header",
        "pickle",
        "central directory",
        "last byte"
      })
  void aFlippedByteAnywhereIsRefusedWithTheMessageOfTheStoresOwnCheck(String where)
      throws IOException {
    long at = offset(where);
    flipByte(stored, at);
    String storeSays = messageOf(() -> store.open(checkpoint, modelFile).close());
    assertThat(storeSays)
        .startsWith(
            "file " + stored + " of checkpoint " + TAG.token() + " is corrupt: its CRC32C is ");

    assertThatThrownBy(() -> CheckpointReader.modelWeights(store, checkpoint, "net", null))
        .isInstanceOf(CorruptFileException.class)
        .hasMessage(storeSays)
        .satisfies(e -> assertThat(((CorruptFileException) e).bytesDamaged()).isTrue());
  }

  @Test
  void aTruncatedFileIsRefusedBeforeAnythingIsRead() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(stored.toFile(), "rw")) {
      f.setLength(f.length() - 1000);
    }
    String storeSays = messageOf(() -> store.open(checkpoint, modelFile).close());
    assertThat(storeSays).contains("is truncated");

    assertThatThrownBy(() -> CheckpointReader.modelWeights(store, checkpoint, "net", null))
        .isInstanceOf(CorruptFileException.class)
        .hasMessage(storeSays);
  }

  private long offset(String where) throws IOException {
    byte[] bytes = Files.readAllBytes(stored);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int nameLength = b.getShort(26) & 0xffff;
    int extraLength = b.getShort(28) & 0xffff;
    ToLongFunction<String> find =
        text -> new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(text);
    return switch (where) {
      case "tensor record" -> bytes.length / 2;
      case "padding in a local header" -> {
        assertThat(extraLength)
            .as("the first record's data is aligned by padding")
            .isGreaterThan(4);
        yield 30 + nameLength + extraLength - 1;
      }
      case "pickle" -> find.applyAsLong("state_dict");
      case "central directory" -> bytes.length - 100;
      case "last byte" -> bytes.length - 1;
      default -> throw new IllegalArgumentException(where);
    };
  }

  private static HostTensor floats(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return HostTensor.ofFloats(new long[] {n}, v);
  }

  private static long bytesRead() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new IllegalStateException("no rchar in /proc/self/io");
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(position);
      int v = f.read();
      f.seek(position);
      f.write(v ^ 0x10);
    }
  }

  private interface Action {
    void run() throws IOException;
  }

  private static String messageOf(Action action) throws IOException {
    try {
      action.run();
    } catch (CorruptCheckpointException e) {
      return e.getMessage();
    }
    throw new AssertionError("the store's open accepted the file");
  }
}
