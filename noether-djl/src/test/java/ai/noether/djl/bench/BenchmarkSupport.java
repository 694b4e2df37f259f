package ai.noether.djl.bench;

import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What the checkpoint benchmarks share: the files of a checkpoint, page-cache eviction for cold
 * reads, {@code torch.load} timed in {@code /usr/bin/python3}, random regression data and medians.
 */
final class BenchmarkSupport {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private BenchmarkSupport() {}

  /** The model, optimizer and trainer files of a checkpoint of model {@code model}, in order. */
  static List<Path> checkpointFiles(RunLayout layout, StoredCheckpoint checkpoint, String model) {
    List<Path> files = new ArrayList<>();
    for (CheckpointFileKind kind :
        List.of(CheckpointFileKind.MODEL, CheckpointFileKind.OPTIM, CheckpointFileKind.TRAINER)) {
      files.add(layout.checkpointFile(CheckpointFileName.of(model, checkpoint.tag(), kind)));
    }
    return files;
  }

  /** The checkpoint with {@code checkpoint}'s tag as the store lists it now. */
  static StoredCheckpoint find(CheckpointStore store, RunLayout layout, StoredCheckpoint checkpoint)
      throws IOException {
    return store.list(layout.stage()).stream()
        .filter(s -> s.tag().equals(checkpoint.tag()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Seconds {@code torch.load} of the files takes in {@code /usr/bin/python3}, evicted from the
   * page cache first when {@code cold}; null without that python.
   */
  static Double torchLoad(RunLayout layout, List<Path> files, boolean cold)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return null;
    }
    String script =
        "import sys, time, torch\n"
            + "t = time.time()\n"
            + "for f in sys.argv[1:]:\n"
            + "    torch.load(f)\n"
            + "print(time.time() - t)\n";
    if (cold) {
      // Our mappings of the files are released first: the kernel keeps mapped pages in the cache.
      evict(layout, files);
    }
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
    files.forEach(f -> command.add(f.toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || said.isEmpty()) {
      return null;
    }
    return Double.parseDouble(said.lines().reduce((a, b) -> b).orElseThrow());
  }

  /**
   * Drops the files from the page cache and checks that they are gone ({@code fincore}). The kernel
   * keeps pages that a process still maps, so the mappings of earlier reads are released first:
   * without that, a "cold" read right after one of ours would find the files in memory.
   */
  static void evict(RunLayout layout, List<Path> files) throws IOException, InterruptedException {
    List<Path> all = new ArrayList<>(files);
    try (Stream<Path> walk = Files.walk(layout.checkpointDir())) {
      walk.filter(Files::isRegularFile).forEach(all::add);
    }
    long resident = 0;
    for (int attempt = 0; attempt < 10; attempt++) {
      System.gc(); // unreachable mappings are unmapped by their cleaners after a collection
      Thread.sleep(50);
      for (Path p : all) {
        // GNU dd with iflag=nocache and count=0 asks the kernel to drop the whole file from the
        // page cache.
        Process proc =
            new ProcessBuilder("dd", "if=" + p, "iflag=nocache", "count=0", "status=none")
                .inheritIO()
                .start();
        if (proc.waitFor() != 0) {
          throw new IOException("dd could not evict " + p);
        }
      }
      resident = resident(all);
      if (resident == 0) {
        return;
      }
    }
    System.out.println(
        "warning: "
            + resident
            + " bytes of the checkpoint stay in the page cache; cold is not cold");
  }

  /** Bytes of the files in the page cache, from {@code fincore}; 0 where it is missing. */
  static long resident(List<Path> files) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--output", "RES"));
    files.forEach(f -> command.add(f.toString()));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return 0;
    }
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      return 0;
    }
    return said.lines()
        .map(String::trim)
        .filter(l -> l.matches("\\d+"))
        .mapToLong(Long::parseLong)
        .sum();
  }

  /** {@code samples} rows of standard normal features and targets (seed 3). */
  static TensorDataset randomData(int samples, int inputs, int outputs) {
    SplittableRandom random = new SplittableRandom(3);
    float[] x = new float[samples * inputs];
    float[] y = new float[samples * outputs];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) random.nextGaussian();
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, inputs}, x),
        HostTensor.ofFloats(new long[] {samples, outputs}, y));
  }

  /** A data source of {@code train} alone, without validation. */
  static DataSource source(TensorDataset train) {
    return new DataSource() {
      @Override
      public Dataset train() {
        return train;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.empty();
      }
    };
  }

  /** The median, NaN for no values. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
