package ai.noether.djl.bench;

import ai.djl.Device;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointFileKind;
import ai.noether.api.checkpoint.CheckpointFileName;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.checkpoint.SaveTimings;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.resume.CheckpointReader;
import ai.noether.core.resume.LoadedCheckpoint;
import ai.noether.core.store.FileCheckpointStore;
import ai.noether.core.training.Seeds;
import ai.noether.core.training.Trainer;
import ai.noether.core.training.TrainerSettings;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import ai.noether.djl.step.SupervisedStep;
import ai.noether.djl.step.SupervisedStepConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What a checkpoint costs a training run, side by side in one run, for model + AdamW states of
 * about 0.5, 1 and 2 GiB (an MLP with hidden layers of 4096): the training stall per save (the time
 * the loop is blocked: waiting for the previous save, then the snapshot copy) against a synchronous
 * save of the same state and against the copy alone; updates per second without saves and with a
 * save every N seconds; peak resident memory against the state, and resident memory after K
 * consecutive saves against after one; resume (read into the model and the optimizer) against
 * {@code torch.load} of the same files, cold and warm; save throughput against
 * {@code dd conv=fsync} of the same size. Prints a table; asserts nothing.
 *
 * <p>Each size runs in a child JVM of its own, so that peak memory is that size's. Run (from the
 * repository root, nothing is installed):
 *
 * <pre>
 * mvn -B -q -ntp -pl noether-djl -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * CP="noether-djl/target/test-classes:noether-djl/target/classes:$(cat noether-djl/target/test.classpath)"
 * java -cp "$CP" ai.noether.djl.bench.CheckpointSaveBenchmark
 * </pre>
 *
 * <p>System properties: {@code bench.sizes} (GiB, default {@code 0.5,1,2}), {@code bench.threads}
 * (PyTorch threads, default {@code 1,2}), {@code bench.every} (seconds between saves, default 10),
 * {@code bench.seconds} (training seconds per measurement, default 40), {@code bench.saves}
 * (consecutive saves for the memory check, default 100 up to 0.6 GiB, else 20), {@code bench.resume_rounds}
 * (alternating rounds of resume and torch.load, cold and warm; medians; default 3), {@code bench.dir} (default: the
 * temp directory).
 */
public final class CheckpointSaveBenchmark {
  private static final int WIDTH = 4096;
  private static final int INPUT = 64;
  private static final int OUTPUT = 8;
  private static final int BATCH = 8;
  private static final double GIB = 1024.0 * 1024 * 1024;

  private CheckpointSaveBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      one(Double.parseDouble(args[0]), Integer.parseInt(args[1]));
      return;
    }
    List<Double> sizes = Arrays.stream(System.getProperty("bench.sizes", "0.5,1,2").split(","))
        .map(Double::parseDouble).toList();
    List<Integer> threads = Arrays.stream(System.getProperty("bench.threads", "1,2").split(","))
        .map(Integer::parseInt).toList();
    List<Map<String, String>> rows = new ArrayList<>();
    for (double size : sizes) {
      for (int t : threads) {
        rows.add(child(size, t));
      }
    }
    print(rows);
  }

  /** Runs one size with {@code threads} PyTorch threads in a child JVM and reads its result line. */
  private static Map<String, String> child(double size, int threads) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1"));
    for (String p : List.of("bench.every", "bench.seconds", "bench.saves", "bench.dir", "bench.resume_rounds")) {
      if (System.getProperty(p) != null) {
        command.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    command.addAll(List.of(CheckpointSaveBenchmark.class.getName(), Double.toString(size), Integer.toString(threads)));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
    Process p = pb.start();
    Map<String, String> result = new LinkedHashMap<>();
    try (var lines = p.inputReader(StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          for (String kv : line.substring(7).split(" ")) {
            String[] pair = kv.split("=", 2);
            result.put(pair[0], pair[1]);
          }
        } else if (!line.contains(" INFO ") && !line.contains(" DEBUG ")) {
          System.out.println("  [" + size + " GiB, " + threads + "t] " + line);
        }
      }
    }
    if (p.waitFor() != 0 || result.isEmpty()) {
      throw new IllegalStateException("the run of " + size + " GiB with " + threads + " threads failed");
    }
    return result;
  }

  // ---------------------------------------------------------------- one size, in the child JVM

  private static void one(double sizeGib, int threads) throws Exception {
    double every = Double.parseDouble(System.getProperty("bench.every", "10"));
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "40"));
    // 100 saves of the larger states would write hundreds of GiB: 20 show the same flat line.
    int saves = Integer.parseInt(System.getProperty("bench.saves", sizeGib <= 0.6 ? "100" : "20"));
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
        "save-bench");
    // Weights + two AdamW moments = 3 x 4 bytes per parameter; hidden layers of WIDTH x WIDTH.
    int layers = (int) Math.max(1, Math.round(sizeGib * GIB / 12.0 / ((double) WIDTH * WIDTH)));
    MlpConfig mlp = new MlpConfig(INPUT, Collections.nCopies(layers, WIDTH), OUTPUT, "relu", 0.0);
    Map<String, String> out = new LinkedHashMap<>();
    try {
      long rssStart = rss("VmRSS");
      Measured plain = train(dir.resolve("plain"), mlp, seconds, 0, 0);
      long rssBeforeSaves = plain.rssAfter;
      Measured saving = train(dir.resolve("saving"), mlp, seconds, every, 0);
      long peak = rss("VmHWM");
      Measured many = train(dir.resolve("many"), mlp, 0, 0, saves);
      long stateBytes = plain.stateBytes;

      out.put("state_gib", f(stateBytes / GIB));
      out.put("layers", Integer.toString(layers));
      out.put("threads", Integer.toString(threads));
      out.put("ups_plain", f(plain.updatesPerSecond()));
      out.put("ups_saving", f(saving.updatesPerSecond()));
      out.put("saves_during", Integer.toString(saving.timings.size()));
      out.put("every_s", f(every));
      out.put("copy_s", f(median(saving.timings.stream().map(t -> t.snapshotNanos() / 1e9).toList())));
      out.put("stall_s", f(median(saving.timings.stream().map(t -> t.stallNanos() / 1e9).toList())));
      out.put("stall_loop_s", f(median(saving.saveUpdateSeconds) - median(saving.otherUpdateSeconds)));
      out.put("write_s", f(median(saving.timings.stream().map(t -> t.writeNanos() / 1e9).toList())));
      out.put("sync_s", f(saving.finalSaveSeconds));
      out.put("checkpoint_bytes", Long.toString(saving.checkpointBytes));
      out.put("rss_start_gib", f(rssStart / GIB));
      out.put("rss_before_saves_gib", f(rssBeforeSaves / GIB));
      out.put("rss_peak_gib", f(peak / GIB));
      out.put("rss_after_1_gib", f(many.rssAfterFirstSave / GIB));
      out.put("rss_after_k_gib", f(many.rssAfter / GIB));
      out.put("k", Integer.toString(many.timings.size()));
      out.put("staging_allocations_1", Long.toString(many.allocationsAfterFirst));
      out.put("staging_allocations_k", Long.toString(many.allocationsAfter));

      resume(saving.layout, saving.last, mlp, out);
      out.put("dd_s", f(dd(dir, saving.checkpointBytes)));
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    StringBuilder line = new StringBuilder("RESULT");
    out.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    System.out.println(line);
  }

  /** What one training run measured. */
  private static final class Measured {
    long updates;
    double trainingSeconds;
    long stateBytes;
    final List<SaveTimings> timings = new ArrayList<>();
    final List<Double> saveUpdateSeconds = new ArrayList<>();
    final List<Double> otherUpdateSeconds = new ArrayList<>();
    double finalSaveSeconds;
    long checkpointBytes;
    long rssAfter;
    long rssAfterFirstSave;
    long allocationsAfterFirst;
    long allocationsAfter;
    RunLayout layout;
    StoredCheckpoint last;

    double updatesPerSecond() {
      return updates / trainingSeconds;
    }
  }

  /**
   * Trains for {@code seconds} (saving every {@code every} seconds when positive), or, when
   * {@code saves} is positive, saves after every update until that many saves are committed.
   */
  private static Measured train(Path outputDir, MlpConfig mlp, double seconds, double every, int saves)
      throws IOException {
    // The previous phase's trainer is closed: let its staging buffers go before this one measures.
    System.gc();
    Measured m = new Measured();
    RunLayout layout = RunLayout.of(outputDir, "bench", "train");
    m.layout = layout;
    TensorDataset data = data(256);
    DataSource source = source(data);
    Trainer[] running = new Trainer[1];
    try (DjlModel model = MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(1, 0));
        SupervisedStep step = new SupervisedStep(model, source, SupervisedStepConfig.of("mse"));
        FileCheckpointStore store = FileCheckpointStore.builder().setOutputDir(outputDir).build()) {
      // Counted from the shapes: a snapshot here would put another copy of the weights in memory.
      m.stateBytes = 3 * 4 * model.djlParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-4));
      Callback probe = new Callback() {
        long start;
        long previous;
        long lastSave;
        boolean savedLastUpdate;
        SaveTimings seen = SaveTimings.NONE;
        CheckpointTag pendingDelete;
        long warmup = 3;

        @Override
        public void afterUpdate(TrainingContext context) {
          long now = System.nanoTime();
          long update = context.iteration().update();
          BackgroundCheckpointWriter writer = (BackgroundCheckpointWriter) running[0].checkpoints();
          if (update == warmup) {
            start = now;
            lastSave = now;
          } else if (update > warmup) {
            (savedLastUpdate ? m.saveUpdateSeconds : m.otherUpdateSeconds).add((now - previous) / 1e9);
            m.updates++;
          }
          previous = now;
          savedLastUpdate = false;
          SaveTimings t = writer.lastTimings();
          if (t != seen) {
            seen = t;
            m.timings.add(t);
            if (m.timings.size() == 1) {
              m.rssAfterFirstSave = rss("VmRSS");
              m.allocationsAfterFirst = writer.staging().allocations();
            }
          }
          if (saves > 0) {
            if (m.timings.size() >= saves) {
              context.requestStop("enough saves");
              return;
            }
            save(context);
            return;
          }
          if (update > warmup && (now - start) / 1e9 >= seconds) {
            m.trainingSeconds = (now - start) / 1e9;
            context.requestStop("measured");
          } else if (every > 0 && update > warmup && (now - lastSave) / 1e9 >= every) {
            lastSave = now;
            save(context);
          }
        }

        private void save(TrainingContext context) {
          // Keep two checkpoints on disk: the one being written and the one before it.
          CheckpointTag tag = CheckpointTag.at(context.iteration());
          if (pendingDelete != null) {
            context.checkpoints().delete(pendingDelete);
          }
          context.checkpoints().saveResumable(true, true);
          pendingDelete = previousTag;
          previousTag = tag;
          savedLastUpdate = true;
        }

        CheckpointTag previousTag;

        @Override
        public void afterTraining(TrainingContext context) {
          BackgroundCheckpointWriter writer = (BackgroundCheckpointWriter) running[0].checkpoints();
          writer.flush();
          m.rssAfter = rss("VmRSS");
          m.allocationsAfter = writer.staging().allocations();
          m.finalSaveSeconds = System.nanoTime(); // completed below
        }
      };
      Trainer.Builder builder = Trainer.builder()
          .setStage(layout.stage(), layout.stageDir())
          .optSeed(1)
          .setSettings(new TrainerSettings(0, 1_000_000_000L, 0, BATCH, null, Interval.updates(1_000_000_000L)))
          .setModel(model)
          .setOptimizer(optimizer, 1e-4)
          .setStep(step)
          .setData(source)
          .setStore(store, ThFormat.encoder())
          .optHistoryFile(false)
          .addCallback("bench", probe);
      try (Trainer trainer = builder.build()) {
        running[0] = trainer;
        var result = trainer.run();
        // The final checkpoint is a synchronous save: run() waited for its snapshot and its write.
        m.finalSaveSeconds = (System.nanoTime() - m.finalSaveSeconds) / 1e9;
        m.last = result.finalCheckpoint();
        m.checkpointBytes = m.last.size();
      }
    }
    return m;
  }

  /**
   * Times reading the checkpoint into a fresh model and optimizer as a resume does
   * ({@link CheckpointReader#forResume}: the store's verified open, the {@code .th} read, then the
   * loads), and torch.load of the same files: in alternating rounds, cold and warm, medians.
   */
  private static void resume(RunLayout layout, StoredCheckpoint checkpoint, MlpConfig mlp, Map<String, String> out)
      throws Exception {
    List<Path> files = new ArrayList<>();
    for (CheckpointFileKind kind : List.of(CheckpointFileKind.MODEL, CheckpointFileKind.OPTIM, CheckpointFileKind.TRAINER)) {
      files.add(layout.checkpointFile(CheckpointFileName.of("mlp", checkpoint.tag(), kind)));
    }
    int rounds = Integer.parseInt(System.getProperty("bench.resume_rounds", "3"));
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    TensorDataset data = data(16);
    try (FileCheckpointStore store = FileCheckpointStore.open(layout.outputDir())) {
      for (int round = 0; round < rounds; round++) {
        for (String temperature : List.of("cold", "warm")) {
          seconds.computeIfAbsent("resume_" + temperature + "_s", k -> new ArrayList<>())
              .add(resumeOnce(store, layout, checkpoint, mlp, data, files, temperature.equals("cold")));
          Double torch = torchLoad(layout, files, temperature.equals("cold"));
          if (torch != null) {
            seconds.computeIfAbsent("torch_" + temperature + "_s", k -> new ArrayList<>()).add(torch);
          }
        }
      }
    }
    seconds.forEach((k, v) -> out.put(k, f(median(v))));
    out.put("resume_rounds", Integer.toString(rounds));
  }

  /**
   * Seconds a resume into a fresh model and optimizer takes. A method of its own, so that nothing of
   * what it read stays referenced from the caller's frame: the files' mappings must be released
   * before the next eviction (the kernel keeps mapped pages in the cache).
   */
  private static double resumeOnce(FileCheckpointStore store, RunLayout layout, StoredCheckpoint checkpoint,
      MlpConfig mlp, TensorDataset data, List<Path> files, boolean cold) throws Exception {
    try (DjlModel model = MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(2, 0));
        SupervisedStep step = new SupervisedStep(model, source(data), SupervisedStepConfig.of("mse"))) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-4));
      if (cold) {
        ResumeBenchmark.evict(layout, files);
      }
      long t0 = System.nanoTime();
      StoredCheckpoint c = store.list(layout.stage()).stream().filter(s -> s.tag().equals(checkpoint.tag()))
          .findFirst().orElseThrow();
      LoadedCheckpoint loaded = CheckpointReader.forResume(store, c, "mlp");
      model.load(loaded.stateDict(), true);
      optimizer.loadState(loaded.optimizer());
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** Seconds {@code torch.load} of the files takes in {@code /usr/bin/python3}; null without it. */
  private static Double torchLoad(RunLayout layout, List<Path> files, boolean cold) throws IOException, InterruptedException {
    Path python = Path.of("/usr/bin/python3");
    if (!Files.isExecutable(python)) {
      return null;
    }
    String script = "import sys, time, torch\n"
        + "t = time.time()\n"
        + "for f in sys.argv[1:]:\n"
        + "    torch.load(f)\n"
        + "print(time.time() - t)\n";
    if (cold) {
      // Our mappings of the files are released first: the kernel keeps mapped pages in the cache.
      ResumeBenchmark.evict(layout, files);
    }
    List<String> command = new ArrayList<>(List.of(python.toString(), "-c", script));
    files.forEach(f -> command.add(f.toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || said.isEmpty()) {
      return null;
    }
    return Double.parseDouble(said.lines().reduce((a, b) -> b).orElseThrow());
  }

  /** Seconds {@code dd} takes to write {@code bytes} of zeros with {@code conv=fsync}. */
  private static double dd(Path dir, long bytes) throws IOException, InterruptedException {
    Path target = dir.resolve("dd.bin");
    long blocks = Math.max(1, bytes / (16 << 20));
    run("sync");
    long t0 = System.nanoTime();
    run("dd", "if=/dev/zero", "of=" + target, "bs=16M", "count=" + blocks, "conv=fsync", "status=none");
    double s = (System.nanoTime() - t0) / 1e9;
    Files.delete(target);
    return s * bytes / (blocks * (16.0 * (1 << 20)));
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(Arrays.toString(command) + " exited with " + p.exitValue());
    }
  }

  private static TensorDataset data(int samples) {
    SplittableRandom random = new SplittableRandom(3);
    float[] x = new float[samples * INPUT];
    float[] y = new float[samples * OUTPUT];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) random.nextGaussian();
    }
    return new TensorDataset(HostTensor.ofFloats(new long[] {samples, INPUT}, x),
        HostTensor.ofFloats(new long[] {samples, OUTPUT}, y));
  }

  /** A line of {@code /proc/self/status} in bytes (VmRSS: now, VmHWM: peak). */
  private static long rss(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return -1;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  // ---------------------------------------------------------------- the table

  private static void print(List<Map<String, String>> rows) {
    System.out.println();
    System.out.println("Checkpoint saves inside training: AdamW, MLP with hidden layers of 4096, batch " + BATCH
        + ", file store with fsync");
    System.out.printf(Locale.ROOT, "%-24s", "state (model+AdamW) GiB");
    rows.forEach(r -> System.out.printf(Locale.ROOT, "%12s", r.get("state_gib") + "/" + r.get("threads") + "t"));
    System.out.println();
    row(rows, "stall per save s", r -> r.get("stall_s"));
    row(rows, "  same, seen by loop s", r -> r.get("stall_loop_s"));
    row(rows, "snapshot copy alone s", r -> r.get("copy_s"));
    row(rows, "synchronous save s", r -> r.get("sync_s"));
    row(rows, "stall / sync save", r -> ratio(r.get("stall_s"), r.get("sync_s")));
    row(rows, "background write s", r -> r.get("write_s"));
    row(rows, "updates/s, no saves", r -> r.get("ups_plain"));
    row(rows, "updates/s, saving", r -> r.get("ups_saving"));
    row(rows, "  saves, every s", r -> r.get("saves_during") + "/" + r.get("every_s").replace(".000", ""));
    row(rows, "throughput overhead", r -> pct(1 - Double.parseDouble(r.get("ups_saving")) / Double.parseDouble(r.get("ups_plain"))));
    row(rows, "RSS before saves GiB", r -> r.get("rss_before_saves_gib"));
    row(rows, "peak RSS GiB", r -> r.get("rss_peak_gib"));
    row(rows, "peak - before / state", r -> f((Double.parseDouble(r.get("rss_peak_gib"))
        - Double.parseDouble(r.get("rss_before_saves_gib"))) / Double.parseDouble(r.get("state_gib"))));
    row(rows, "RSS after 1 save GiB", r -> r.get("rss_after_1_gib"));
    row(rows, "RSS after K saves GiB", r -> r.get("rss_after_k_gib"));
    row(rows, "  K", r -> r.get("k"));
    row(rows, "  after K / after 1", r -> ratio(r.get("rss_after_k_gib"), r.get("rss_after_1_gib")));
    row(rows, "  staging allocs 1 -> K", r -> r.get("staging_allocations_1") + "->" + r.get("staging_allocations_k"));
    row(rows, "resume cold s", r -> r.get("resume_cold_s"));
    row(rows, "torch.load cold s", r -> r.getOrDefault("torch_cold_s", "-"));
    row(rows, "resume warm s", r -> r.get("resume_warm_s"));
    row(rows, "torch.load warm s", r -> r.getOrDefault("torch_warm_s", "-"));
    row(rows, "resume speed vs torch", r -> r.containsKey("torch_cold_s")
        ? ratio(r.get("torch_cold_s"), r.get("resume_cold_s")) + "|" + ratio(r.get("torch_warm_s"), r.get("resume_warm_s"))
        : "-");
    row(rows, "save MiB/s (background)", r -> f(Long.parseLong(r.get("checkpoint_bytes")) / 1048576.0
        / Double.parseDouble(r.get("write_s"))));
    row(rows, "dd conv=fsync MiB/s", r -> f(Long.parseLong(r.get("checkpoint_bytes")) / 1048576.0
        / Double.parseDouble(r.get("dd_s"))));
    row(rows, "save vs dd", r -> ratio(r.get("dd_s"), r.get("write_s")));
  }

  private static void row(List<Map<String, String>> rows, String label, java.util.function.Function<Map<String, String>, String> cell) {
    System.out.printf(Locale.ROOT, "%-24s", label);
    rows.forEach(r -> System.out.printf(Locale.ROOT, "%12s", cell.apply(r)));
    System.out.println();
  }

  private static String ratio(String a, String b) {
    return String.format(Locale.ROOT, "%.3f", Double.parseDouble(a) / Double.parseDouble(b));
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static DataSource source(TensorDataset train) {
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
}
