package ai.noether.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.noether.api.data.FieldDataset;
import ai.noether.api.tensor.DType;
import ai.noether.core.format.npy.NpyWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset at least twice as large as the Java heap trains: a child JVM with a small {@code -Xmx}
 * opens it through the dataset kinds and reads random batches from all over it, checking every
 * value (and, for the array, that a validation split drawn from its rows holds exactly the rows the
 * seed draws). Without memory mapping (arrays read onto the heap, or a text file parsed into heap
 * arrays) the child fails with an OutOfMemoryError.
 */
class LargerThanHeapTest {
  static final int NPY_COLUMNS = 64;
  static final long NPY_ROWS = 655_360; // x int32 [rows, 64]: 160 MiB

  @TempDir Path dir;

  @Test
  void a160MibNpyFileIsReadInRandomBatchesByAJvmWithA64MibHeap() throws Exception {
    Path file = dir.resolve("big.npy");
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      NpyWriter.writeHeader(ch, DType.INT32, new long[] {NPY_ROWS, NPY_COLUMNS});
      ByteBuffer b = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      for (long v = 0; v < NPY_ROWS * NPY_COLUMNS; v++) {
        if (!b.hasRemaining()) {
          drain(b, ch);
        }
        b.putInt((int) v);
      }
      drain(b, ch);
    }
    assertThat(Files.size(file)).isGreaterThanOrEqualTo(2L * 64 * 1024 * 1024);
    Child child = run("-Xmx64m", "npy", file.toString(), dir.resolve("cache").toString());
    assertThat(child.exit).as(child.output).isZero();
    assertThat(child.output).contains("read 200 batches of 256 samples");
  }

  @Test
  void a20MbWhitespaceTextFileBecomesWindowsReadByAJvmWithAn8MibHeap() throws Exception {
    textCase(8, 1_000, 100); // 100,000 lines of 26 values: about 20 MB
  }

  @Test
  @Tag("slow")
  void a70MbWhitespaceTextFileBecomesWindowsReadByAJvmWithA32MibHeap() throws Exception {
    textCase(32, 1_600, 250); // 400,000 lines: about 70 MB
  }

  private void textCase(int heapMib, int units, int cycles) throws Exception {
    Path file = dir.resolve("train.txt");
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      StringBuilder line = new StringBuilder();
      for (int u = 1; u <= units; u++) {
        for (int c = 1; c <= cycles; c++) {
          line.setLength(0);
          line.append(u).append(' ').append(c);
          for (int j = 2; j < 26; j++) {
            line.append(' ').append(textValue(u, c, j));
          }
          out.write(line.append(" \n").toString());
        }
      }
    }
    assertThat(Files.size(file)).isGreaterThanOrEqualTo(2L * heapMib * 1024 * 1024);
    Child child =
        run(
            "-Xmx" + heapMib + "m",
            "text",
            file.toString(),
            dir.resolve("cache").toString(),
            Integer.toString(units),
            Integer.toString(cycles));
    assertThat(child.exit).as(child.output).isZero();
    assertThat(child.output).contains("read 200 batches of 256 samples");
  }

  static double textValue(int unit, int cycle, int column) {
    return unit * 0.5 + cycle * 1000 + column;
  }

  private static void drain(ByteBuffer b, FileChannel ch) throws IOException {
    b.flip();
    while (b.hasRemaining()) {
      ch.write(b);
    }
    b.clear();
  }

  record Child(int exit, String output) {}

  private Child run(String heap, String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Reader.class.getName()));
    command.addAll(List.of(args));
    Path log = dir.resolve("child.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child did not finish in 300 s: " + Files.readString(log));
    }
    return new Child(p.exitValue(), Files.readString(log));
  }

  /** The child: opens the file through a dataset kind and checks random batches. */
  public static final class Reader {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[1]);
      SplittableRandom random = new SplittableRandom(42);
      int batches = 200;
      int batch = 256;
      if (args[0].equals("npy")) {
        // A validation split drawn from 655,360 rows: its row lists live in direct memory.
        ArraysDatasetConfig config =
            new ArraysDatasetConfig(
                java.util.Map.of("x", file.toString()), null, null, 0.1, 5L, null, args[2]);
        ai.noether.api.data.DataSource data = ArrayDatasets.open(config, 0, Path.of(""));
        FieldDataset train = (FieldDataset) data.train();
        FieldDataset valid = (FieldDataset) data.validation().orElseThrow();
        if (train.size() + valid.size() != NPY_ROWS) {
          throw new AssertionError(train.size() + " + " + valid.size() + " rows");
        }
        for (int b = 0; b < batches; b++) {
          boolean validating = b % 4 == 3;
          FieldDataset split = validating ? valid : train;
          long[] indices = random.longs(batch, 0, split.size()).toArray();
          ByteBuffer values = split.gather("x", indices).buffer();
          for (int i = 0; i < batch; i++) {
            int first = values.getInt(i * NPY_COLUMNS * 4);
            long row = first / NPY_COLUMNS;
            if (first % NPY_COLUMNS != 0 || ValidationDraw.row(row, 0.1, 5) != validating) {
              throw new AssertionError(
                  "sample "
                      + indices[i]
                      + " of "
                      + (validating ? "valid" : "train")
                      + " is row "
                      + row
                      + " (first value "
                      + first
                      + ")");
            }
            for (int j = 0; j < NPY_COLUMNS; j += 7) {
              int actual = values.getInt((i * NPY_COLUMNS + j) * 4);
              if (actual != first + j) {
                throw new AssertionError(
                    "row " + row + " column " + j + ": " + actual + " != " + (first + j));
              }
            }
          }
        }
      } else {
        TableDatasetConfig config =
            new TableDatasetConfig(
                file.toString(),
                null,
                null,
                null,
                null,
                ai.noether.core.data.text.TextFormat.WHITESPACE,
                null,
                List.of("unit", "cycle", "c{2..25}"),
                java.util.Map.<String, Object>of("x", List.of("c{2..25}")),
                null,
                "unit",
                new WindowsConfig(
                    30,
                    null,
                    null,
                    null,
                    new WindowsConfig.RulConfig(null, 125.0),
                    null,
                    null,
                    null),
                null,
                null,
                args[2],
                null);
        FieldDataset train = (FieldDataset) TableDatasets.open(config, 0, Path.of("")).train();
        int units = Integer.parseInt(args[3]);
        int cycles = Integer.parseInt(args[4]);
        long perUnit = cycles - 30 + 1;
        if (train.size() != units * perUnit) {
          throw new AssertionError(train.size() + " windows");
        }
        for (int b = 0; b < batches; b++) {
          long[] indices = random.longs(batch, 0, train.size()).toArray();
          float[] x = train.gather("x", indices).toFloatArray();
          float[] rul = train.gather("rul", indices).toFloatArray();
          for (int i = 0; i < batch; i++) {
            int unit = (int) (indices[i] / perUnit) + 1;
            int lastCycle = (int) (indices[i] % perUnit) + 30;
            for (int t = 0; t < 30; t += 29) {
              float expected = (float) textValue(unit, lastCycle - 29 + t, 2);
              if (x[(i * 30 + t) * 24] != expected) {
                throw new AssertionError(
                    "window " + indices[i] + " step " + t + ": " + x[(i * 30 + t) * 24]);
              }
            }
            if (rul[i] != Math.min(125, cycles - lastCycle)) {
              throw new AssertionError("window " + indices[i] + " rul " + rul[i]);
            }
          }
        }
      }
      Runtime rt = Runtime.getRuntime();
      System.out.println(
          "read "
              + batches
              + " batches of "
              + batch
              + " samples; max heap "
              + rt.maxMemory() / (1 << 20)
              + " MiB, "
              + (rt.totalMemory() - rt.freeMemory()) / (1 << 20)
              + " MiB used");
    }
  }
}
