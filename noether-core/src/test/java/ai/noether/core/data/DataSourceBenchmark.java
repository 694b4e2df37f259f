package ai.noether.core.data;

import ai.noether.api.data.FieldDataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.data.text.TextFormat;
import ai.noether.core.format.npy.NpyWriter;
import java.io.BufferedWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures the file-backed datasets against the in-memory {@link TensorDataset} in the same run and
 * prints the figures side by side with their ratios:
 *
 * <ul>
 *   <li>random batches of 256 rows of a float32 [1M, 32] array (128 MiB): memory-mapped from a
 *       {@code .npy} file by {@code kind: arrays}, against the same bytes in direct memory as a
 *       {@code TensorDataset} (what a dataset factory building tensors gives);
 *   <li>a whitespace text file in C-MAPSS layout (about 55 MB): the first open (parse into the
 *       cache) in MB/s, the second (cached) in milliseconds, and random batches of 256 windows of
 *       30 cycles of 14 sensors, in samples per second.
 * </ul>
 *
 * <p>Run: {@code mvn -B -q -ntp -pl noether-core -am -Pbenchmark
 * -Dbenchmark=ai.noether.core.data.DataSourceBenchmark process-test-classes}; optional {@code
 * -Dbench.dir=/path} (default: the temp directory).
 */
public final class DataSourceBenchmark {
  private static final int ROWS = 1 << 20;
  private static final int COLUMNS = 32;
  private static final int BATCH = 256;

  private DataSourceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
            "data-benchmark");
    Path npy = dir.resolve("x.npy");
    ByteBuffer writable =
        ByteBuffer.allocateDirect(ROWS * COLUMNS * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < ROWS * COLUMNS; i++) {
      writable.putFloat(i);
    }
    writable.flip();
    HostTensor inMemory = HostTensor.wrap(DType.FLOAT32, new long[] {ROWS, COLUMNS}, writable);
    NpyWriter.write(npy, inMemory);
    FieldDataset mapped =
        (FieldDataset)
            ArrayDatasets.open(
                    new ArraysDatasetConfig(
                        Map.of("x", npy.toString()),
                        null,
                        null,
                        null,
                        null,
                        null,
                        dir.resolve("cache").toString()),
                    0,
                    dir)
                .train();
    TensorDataset tensors =
        new TensorDataset(inMemory, HostTensor.ofFloats(new long[] {ROWS}, new float[ROWS]));
    for (int round = 0; round < 2; round++) { // the first round warms up
      double mappedRate = gatherRate(mapped, "x", ROWS);
      double tensorRate = gatherRate(tensors, TensorDataset.FEATURES, ROWS);
      if (round == 1) {
        System.out.printf("random batches of %d rows of float32 [%d, %d]:%n", BATCH, ROWS, COLUMNS);
        System.out.printf("  arrays (.npy, memory-mapped)  %,12.0f samples/s%n", mappedRate);
        System.out.printf("  TensorDataset (direct memory) %,12.0f samples/s%n", tensorRate);
        System.out.printf("  ratio mapped / in memory       %.2f%n", mappedRate / tensorRate);
      }
    }

    Path text = dir.resolve("train.txt");
    int units = 2_000;
    int cycles = 120;
    try (BufferedWriter out = Files.newBufferedWriter(text, StandardCharsets.US_ASCII)) {
      SplittableRandom random = new SplittableRandom(1);
      StringBuilder line = new StringBuilder();
      for (int u = 1; u <= units; u++) {
        for (int c = 1; c <= cycles; c++) {
          line.setLength(0);
          line.append(u).append(' ').append(c).append(" -0.0007 -0.0004 100.0");
          for (int s = 0; s < 21; s++) {
            line.append(' ').append(String.format("%.2f", 500 + random.nextDouble() * 100));
          }
          out.write(line.append(" \n").toString());
        }
      }
    }
    long size = Files.size(text);
    TableDatasetConfig config =
        new TableDatasetConfig(
            text.toString(),
            null,
            null,
            null,
            null,
            TextFormat.WHITESPACE,
            null,
            List.of("unit", "cycle", "setting{1..3}", "s{1..21}"),
            Map.of("x", List.of("s{1..14}")),
            null,
            "unit",
            new WindowsConfig(
                30, null, null, null, new WindowsConfig.RulConfig(null, 125.0), null, null, null),
            null,
            null,
            dir.resolve("cache").toString(),
            null);
    long start = System.nanoTime();
    TableDatasets.open(config, 0, dir);
    double parse = (System.nanoTime() - start) / 1e9;
    start = System.nanoTime();
    FieldDataset windows = (FieldDataset) TableDatasets.open(config, 0, dir).train();
    double cached = (System.nanoTime() - start) / 1e9;
    gatherRate(windows, "x", windows.size());
    double windowRate = gatherRate(windows, "x", windows.size());
    System.out.printf(
        "whitespace text, %d units x %d cycles x 26 columns (%.1f MB):%n",
        units, cycles, size / 1e6);
    System.out.printf(
        "  first open (parse to cache)    %8.2f s  %6.1f MB/s%n", parse, size / 1e6 / parse);
    System.out.printf(
        "  second open (cached)           %8.3f s  (%.0fx faster)%n", cached, parse / cached);
    System.out.printf(
        "  random batches of %d windows [30, 14]: %,.0f samples/s (%,.0f float32 values/s;"
            + " %.2f of the in-memory rate per value)%n",
        BATCH,
        windowRate,
        windowRate * 30 * 14,
        windowRate * 30 * 14 / (gatherRate(tensors, TensorDataset.FEATURES, ROWS) * COLUMNS));
  }

  /** Samples per second over about a second of random batches. */
  private static double gatherRate(FieldDataset data, String field, long size) {
    SplittableRandom random = new SplittableRandom(7);
    long samples = 0;
    long start = System.nanoTime();
    long deadline = start + 1_000_000_000L;
    long sink = 0;
    while (System.nanoTime() < deadline) {
      long[] indices = random.longs(BATCH, 0, size).toArray();
      sink += data.gather(field, indices).byteSize();
      samples += BATCH;
    }
    if (sink == 42) {
      System.out.print("");
    }
    return samples / ((System.nanoTime() - start) / 1e9);
  }
}
