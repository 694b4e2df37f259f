package ai.noether.core.format.th;

import ai.noether.api.tensor.DType;
import ai.noether.core.format.PythonTorch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the {@code .th} writer and reader against {@code dd} and PyTorch on the same file
 * system, in the same run, and prints the figures side by side with their ratios.
 *
 * <p>The state is 1 GiB of float32 in 16 tensors. Each round: {@code dd if=/dev/zero bs=16M
 * count=64 conv=fsync} of the same size, {@code dd} copying the (page-cached) {@code .th} file with
 * {@code conv=fsync} (real data, in case the disk treats zeros specially) and {@link
 * ThFormat#write} (which fsyncs), in rotating order and each after a {@code sync}; {@code
 * torch.save} plus fsync, timed inside Python; then reads with the file evicted from the page cache
 * ({@code posix_fadvise(DONTNEED)}, "cold") and again from the cache ("warm"), for {@link
 * ThReader#read} (which checks every record's CRC-32, so it touches every byte) and for {@code
 * torch.load}. Medians over the rounds are reported.
 *
 * <p>Run: {@code mvn -B -q -ntp -pl noether-core -am -Pbenchmark
 * -Dbenchmark=ai.noether.core.format.th.ThBenchmark process-test-classes}; optional system
 * properties {@code -Dbench.dir=/path} (default: the temp directory) and {@code -Dbench.rounds=5}.
 */
public final class ThBenchmark {
  private static final int TENSORS = 16;
  private static final long[] SHAPE = {16_384, 1_024}; // 64 MiB of float32 each

  private ThBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
            "th-benchmark");
    int rounds = Integer.getInteger("bench.rounds", 5);
    Map<String, Object> state = new LinkedHashMap<>();
    for (int i = 0; i < TENSORS; i++) {
      state.put("layers." + i + ".weight", TestTensors.pattern(DType.FLOAT32, SHAPE));
    }
    long bytes = TENSORS * SHAPE[0] * SHAPE[1] * 4;
    Path ours = dir.resolve("noether.th");
    Path zeros = dir.resolve("dd.bin");
    Path copy = dir.resolve("dd-copy.th");
    Path source = dir.resolve("source.th");
    Path theirs = dir.resolve("torch.th");
    boolean torch = PythonTorch.available();
    Path script = torch ? PythonTorch.script(ThBenchmark.class, "th_benchmark.py", dir) : null;
    ThFormat.write(source, state); // what Python loads, so both sides save identical tensors

    warmUp(dir);
    List<Double> ddWrite = new ArrayList<>();
    List<Double> ddCopy = new ArrayList<>();
    List<Double> write = new ArrayList<>();
    List<Double> readCold = new ArrayList<>();
    List<Double> readWarm = new ArrayList<>();
    List<Double> torchSave = new ArrayList<>();
    List<Double> torchCold = new ArrayList<>();
    List<Double> torchWarm = new ArrayList<>();
    try {
      for (int round = 0; round < rounds; round++) {
        // Rotate who writes first, and start each timed write with no dirty data pending.
        for (int turn = 0; turn < 3; turn++) {
          run("sync");
          int who = (turn + round) % 3;
          if (who == 2 && Files.exists(ours)) {
            Files.deleteIfExists(copy);
            long start = System.nanoTime();
            run("dd", "if=" + ours, "of=" + copy, "bs=16M", "conv=fsync", "status=none");
            ddCopy.add(seconds(start));
            Files.delete(copy);
          } else if (who == 0) {
            Files.deleteIfExists(zeros);
            long start = System.nanoTime();
            run(
                "dd",
                "if=/dev/zero",
                "of=" + zeros,
                "bs=16M",
                "count=" + bytes / (16 << 20),
                "conv=fsync",
                "status=none");
            ddWrite.add(seconds(start));
            Files.delete(zeros);
          } else if (who == 1) {
            Files.deleteIfExists(ours);
            long start = System.nanoTime();
            ThFormat.write(ours, state);
            write.add(seconds(start));
          }
        }
        run("sync");

        evict(ours);
        long t0 = System.nanoTime();
        Map<String, Object> back = ThReader.read(ours);
        readCold.add(seconds(t0));
        t0 = System.nanoTime();
        back = ThReader.read(ours);
        readWarm.add(seconds(t0));
        if (back.size() != TENSORS) {
          throw new IllegalStateException("read " + back.size() + " tensors");
        }

        if (torch) {
          JsonNode r =
              new ObjectMapper()
                  .readTree(PythonTorch.runScript(script, source.toString(), theirs.toString()));
          torchSave.add(r.get("save").asDouble());
          torchCold.add(r.get("load_cold").asDouble());
          torchWarm.add(r.get("load_warm").asDouble());
        }
        System.out.printf(
            "round %d: dd %.2fs, dd copy %s, write %.2fs, read cold %.2fs warm %.2fs%s%n",
            round + 1,
            last(ddWrite),
            ddCopy.isEmpty() ? "-" : String.format("%.2fs", last(ddCopy)),
            last(write),
            last(readCold),
            last(readWarm),
            torch
                ? String.format(
                    ", torch.save %.2fs, torch.load cold %.2fs warm %.2fs",
                    last(torchSave), last(torchCold), last(torchWarm))
                : "");
      }
    } finally {
      for (Path p : List.of(ours, zeros, copy, source, theirs)) {
        Files.deleteIfExists(p);
      }
      if (script != null) {
        Files.deleteIfExists(script);
      }
      Files.deleteIfExists(dir);
    }

    double gib = bytes / (double) (1L << 30);
    System.out.printf(
        "%n.th container, %.2f GiB in %d float32 tensors, median of %d rounds, %s%n",
        gib, TENSORS, rounds, dir.getParent());
    System.out.printf("%-40s %8s %10s %8s%n", "", "median s", "MiB/s", "best s");
    row("write+fsync  dd if=/dev/zero bs=16M", ddWrite, bytes);
    row("write+fsync  dd copy of the .th file", ddCopy, bytes);
    row("write+fsync  ThFormat.write", write, bytes);
    if (torch) {
      row("write+fsync  torch.save", torchSave, bytes);
    }
    row("read cold    ThReader.read (CRC)", readCold, bytes);
    if (torch) {
      row("read cold    torch.load", torchCold, bytes);
    }
    row("read warm    ThReader.read (CRC)", readWarm, bytes);
    if (torch) {
      row("read warm    torch.load", torchWarm, bytes);
    }
    System.out.printf(
        "%nwrite throughput vs dd (zeros):  %.2fx (target >= 0.85)%n",
        median(ddWrite) / median(write));
    System.out.printf("write throughput vs dd (copy):   %.2fx%n", median(ddCopy) / median(write));
    if (torch) {
      System.out.printf(
          "write throughput vs torch.save:  %.2fx%n", median(torchSave) / median(write));
      System.out.printf(
          "read cold speed vs torch.load:   %.2fx (target >= 1)%n",
          median(torchCold) / median(readCold));
      System.out.printf(
          "read warm speed vs torch.load:   %.2fx (target >= 1)%n",
          median(torchWarm) / median(readWarm));
    } else {
      System.out.println("torch.save/torch.load: skipped, /usr/bin/python3 has no torch");
    }
  }

  /** A small write and read so that the timed rounds do not pay for class loading and JIT. */
  private static void warmUp(Path dir) throws IOException {
    Path file = dir.resolve("warmup.th");
    Map<String, Object> small = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      small.put("t" + i, TestTensors.pattern(DType.FLOAT32, new long[] {1 << 20}));
    }
    for (int i = 0; i < 5; i++) {
      ThFormat.write(file, small);
      ThReader.read(file);
    }
    Files.delete(file);
  }

  private static void evict(Path file) throws IOException, InterruptedException {
    // GNU dd with iflag=nocache and count=0 asks the kernel to drop the whole file from the page
    // cache.
    run("dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(Arrays.toString(command) + " exited with " + p.exitValue());
    }
  }

  private static void row(String label, List<Double> times, long bytes) {
    double seconds = median(times);
    double best = times.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    System.out.printf(
        "%-40s %8.3f %10.0f %8.3f%n", label, seconds, bytes / seconds / (1 << 20), best);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double last(List<Double> values) {
    return values.get(values.size() - 1);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
