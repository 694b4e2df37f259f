package ai.noether.djl.bench;

import static ai.noether.djl.bench.BenchmarkSupport.checkpointFiles;
import static ai.noether.djl.bench.BenchmarkSupport.evict;
import static ai.noether.djl.bench.BenchmarkSupport.find;
import static ai.noether.djl.bench.BenchmarkSupport.median;
import static ai.noether.djl.bench.BenchmarkSupport.randomData;
import static ai.noether.djl.bench.BenchmarkSupport.source;
import static ai.noether.djl.bench.BenchmarkSupport.torchLoad;

import ai.djl.Device;
import ai.noether.api.callback.Callback;
import ai.noether.api.callback.Interval;
import ai.noether.api.callback.TrainingContext;
import ai.noether.api.checkpoint.CheckpointTag;
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.core.checkpoint.BackgroundCheckpointWriter;
import ai.noether.core.checkpoint.SaveTimings;
import ai.noether.core.checkpoint.StagingBuffers;
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
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a checkpoint costs a training run, side by side in one run, for model + AdamW states of
 * about 0.5, 1 and 2 GiB (an MLP with hidden layers of 4096), printed with the ratios the
 * checkpointing issue sets targets for:
 *
 * <ul>
 *   <li>the training stall per save as the loop sees it (the time the training thread spends in the
 *       save call: waiting for the previous save, then the snapshot copy), against a synchronous
 *       save of the same state (copy, encoding, checksums, fsync) and against the copy alone;
 *   <li>updates per second over the same wall time without saves and with a save every N seconds,
 *       the time each save costs the loop, and from it the overhead at one save every 30 s;
 *   <li>peak resident memory with saves against the peak without saves plus one snapshot;
 *   <li>resident memory after K consecutive saves against after one;
 *   <li>resume (read into the model and the optimizer) against {@code torch.load} of the same
 *       files, cold and warm;
 *   <li>save throughput against {@code dd conv=fsync} of the same size.
 * </ul>
 *
 * <p>Each phase (no saves, saves every N seconds, K consecutive saves, resume) of each size runs in
 * a child JVM of its own, so that its peak memory is its own and nothing one phase allocated is
 * counted in the next. Asserts nothing. Run (from the repository root; nothing is installed):
 *
 * <pre>
 * mvn -B -q -ntp -o -pl noether-djl -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * CP="noether-djl/target/test-classes:noether-djl/target/classes:$(cat noether-djl/target/test.classpath)"
 * java -Dbench.quick=true -cp "$CP" ai.noether.djl.bench.CheckpointSaveBenchmark
 * </pre>
 *
 * <p>System properties: {@code bench.sizes} (GiB, default {@code 0.5,1,2}), {@code bench.threads}
 * (PyTorch threads, default {@code 1,2}), {@code bench.copy_threads} (threads copying a snapshot,
 * e.g. {@code 1,2}; default: the writer's default), {@code bench.prepare} ({@code false} to skip
 * staging the state before the first save), {@code bench.phases} (default {@code
 * plain,saving,many,resume}), {@code bench.every} (seconds between saves, default 10), {@code
 * bench.seconds} (training seconds per measurement, default 60), {@code bench.saves} (K, default
 * 100 up to 0.6 GiB, else 20), {@code bench.sync} (synchronous saves timed, default 3), {@code
 * bench.resume_rounds} (alternating rounds of resume and torch.load, cold and warm; medians;
 * default 3), {@code bench.dir} (default: the temp directory). {@code bench.quick=true} sets
 * PyTorch threads 1, 30 s per measurement, K = 10/5/3 and 2 synchronous saves, for about 10 minutes
 * on an idle 2-core machine for all three sizes.
 */
public final class CheckpointSaveBenchmark {
  private static final int WIDTH = 4096;
  private static final int INPUT = 64;
  private static final int OUTPUT = 8;
  private static final int BATCH = 8;
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final String PHASE = "phase";
  private static final boolean QUICK = Boolean.getBoolean("bench.quick");

  private CheckpointSaveBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(PHASE)) {
      phase(
          args[1], Double.parseDouble(args[2]), Path.of(args[3]), args.length > 4 ? args[4] : null);
      return;
    }
    List<Double> sizes = list("bench.sizes", "0.5,1,2").stream().map(Double::parseDouble).toList();
    List<Integer> threads =
        list("bench.threads", QUICK ? "1" : "1,2").stream().map(Integer::parseInt).toList();
    List<String> copyThreads = list("bench.copy_threads", "default");
    List<Map<String, String>> rows = new ArrayList<>();
    for (double size : sizes) {
      for (int t : threads) {
        for (String copy : copyThreads) {
          rows.add(oneSize(size, t, copy));
        }
      }
    }
    print(rows);
  }

  private static List<String> list(String property, String fallback) {
    return Arrays.stream(System.getProperty(property, fallback).split(","))
        .map(String::trim)
        .filter(v -> !v.isEmpty())
        .toList();
  }

  /** The phases of one size, each in a child JVM, sharing one directory of checkpoints. */
  private static Map<String, String> oneSize(double size, int threads, String copyThreads)
      throws Exception {
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
            "save-bench");
    Map<String, String> out = new LinkedHashMap<>();
    out.put("threads", Integer.toString(threads));
    List<String> phases = list("bench.phases", "plain,saving,many,resume");
    try {
      for (String phase : phases) {
        if (phase.equals("resume") && !out.containsKey("last_tag")) {
          throw new IllegalArgumentException(
              "bench.phases: resume reads what the saving phase wrote; list saving before it");
        }
        out.putAll(child(phase, size, threads, copyThreads, dir, out.get("last_tag")));
      }
      if (out.containsKey("checkpoint_bytes")) {
        out.put("dd_s", f(dd(dir, Long.parseLong(out.get("checkpoint_bytes")))));
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return out;
  }

  /** Runs one phase in a child JVM and reads its result line. */
  private static Map<String, String> child(
      String phase, double size, int threads, String copyThreads, Path dir, String arg)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads,
                "-Dai.djl.pytorch.num_interop_threads=1"));
    for (String p :
        List.of(
            "bench.every",
            "bench.seconds",
            "bench.saves",
            "bench.sync",
            "bench.quick",
            "bench.prepare",
            "bench.resume_rounds")) {
      if (System.getProperty(p) != null) {
        command.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    if (!copyThreads.equals("default")) {
      command.add("-D" + StagingBuffers.COPY_THREADS_PROPERTY + "=" + copyThreads);
    }
    command.addAll(
        List.of(
            CheckpointSaveBenchmark.class.getName(),
            PHASE,
            phase,
            Double.toString(size),
            dir.toString()));
    if (arg != null) {
      command.add(arg);
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
    long start = System.nanoTime();
    Process p = pb.start();
    Map<String, String> result = new LinkedHashMap<>();
    String label =
        "  [" + size + " GiB, " + threads + "t, copy " + copyThreads + ", " + phase + "] ";
    try (var lines = p.inputReader(StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          for (String kv : line.substring(7).split(" ")) {
            String[] pair = kv.split("=", 2);
            result.put(pair[0], pair[1]);
          }
        } else if (!line.contains(" INFO ")
            && !line.contains(" DEBUG ")
            && !line.contains("CudaUtils")) {
          System.out.println(label + line);
        }
      }
    }
    if (p.waitFor() != 0 || result.isEmpty()) {
      throw new IllegalStateException(
          "phase " + phase + " of " + size + " GiB with " + threads + " threads failed");
    }
    System.out.println(label + "done in " + f((System.nanoTime() - start) / 1e9) + " s");
    return result;
  }

  // ---------------------------------------------------------------- one phase, in the child JVM

  private static void phase(String phase, double sizeGib, Path dir, String arg) throws Exception {
    double every = Double.parseDouble(System.getProperty("bench.every", "10"));
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", QUICK ? "30" : "60"));
    // 100 saves of the larger states would write hundreds of GiB: 20 show the same flat line.
    String defaultSaves =
        QUICK
            ? (sizeGib <= 0.6 ? "10" : sizeGib <= 1.2 ? "5" : "3")
            : sizeGib <= 0.6 ? "100" : "20";
    int saves = Integer.parseInt(System.getProperty("bench.saves", defaultSaves));
    int sync = Integer.parseInt(System.getProperty("bench.sync", QUICK ? "2" : "3"));
    // Weights + two AdamW moments = 3 x 4 bytes per parameter; hidden layers of WIDTH x WIDTH.
    // n hidden layers hold n - 1 matrices of WIDTH x WIDTH (the input and output layers are small).
    int layers = 1 + (int) Math.max(1, Math.round(sizeGib * GIB / 12.0 / ((double) WIDTH * WIDTH)));
    MlpConfig mlp = new MlpConfig(INPUT, Collections.nCopies(layers, WIDTH), OUTPUT, "relu", 0.0);
    Map<String, String> out = new LinkedHashMap<>();
    switch (phase) {
      case "plain" -> {
        Measured m = train(dir.resolve("plain"), mlp, seconds, 0, 0, 0);
        out.put("state_gib", f(m.stateBytes / GIB));
        out.put("layers", Integer.toString(layers));
        out.put("ups_plain", f(m.updatesPerSecond()));
        out.put("rss_peak_plain_gib", f(m.peakBeforeFinal / GIB));
      }
      case "saving" -> {
        Measured m = train(dir.resolve("saving"), mlp, seconds, every, 0, sync);
        out.put("state_gib", f(m.stateBytes / GIB));
        out.put("copy_threads", Integer.toString(m.copyThreads));
        out.put("ups_saving", f(m.updatesPerSecond()));
        out.put("updates_saving", Long.toString(m.updates));
        out.put("window_s", f(m.trainingSeconds));
        out.put("saves_during", Integer.toString(m.loopStalls.size()));
        out.put("every_s", f(every));
        out.put("stall_loop_s", f(median(m.loopStalls)));
        out.put("stall_s", f(median(m.timings.stream().map(t -> t.stallNanos() / 1e9).toList())));
        out.put("copy_s", f(median(m.timings.stream().map(t -> t.snapshotNanos() / 1e9).toList())));
        out.put("write_s", f(median(m.timings.stream().map(t -> t.writeNanos() / 1e9).toList())));
        out.put("sync_s", f(median(m.syncSaves)));
        out.put("first_stall_s", f(m.loopStalls.isEmpty() ? Double.NaN : m.loopStalls.get(0)));
        out.put("prepare_s", f(m.prepareSeconds));
        out.put("staged_gib", f(m.stagedBytes / GIB));
        out.put("rss_peak_saving_gib", f(m.peakBeforeFinal / GIB));
        out.put("checkpoint_bytes", Long.toString(m.checkpointBytes));
        out.put("last_tag", m.last.tag().token());
      }
      case "many" -> {
        Measured m = train(dir.resolve("many"), mlp, 0, 0, saves, 0);
        out.put("rss_after_1_gib", f(m.rssAfterFirstSave / GIB));
        out.put("rss_after_k_gib", f(m.rssAfter / GIB));
        out.put("k", Integer.toString(m.timings.size()));
        out.put("staging_allocations_1", Long.toString(m.allocationsAfterFirst));
        out.put("staging_allocations_k", Long.toString(m.allocationsAfter));
      }
      case "resume" -> {
        RunLayout layout = RunLayout.of(dir.resolve("saving"), "bench", "train");
        CheckpointTag tag = CheckpointTag.parse(arg);
        StoredCheckpoint checkpoint;
        try (FileCheckpointStore store = FileCheckpointStore.open(layout.outputDir())) {
          checkpoint =
              store.list(layout.stage()).stream()
                  .filter(c -> c.tag().equals(tag))
                  .findFirst()
                  .orElseThrow();
        }
        resume(layout, checkpoint, mlp, out);
      }
      default -> throw new IllegalArgumentException("unknown phase " + phase);
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
    long stagedBytes;
    int copyThreads;
    double prepareSeconds = Double.NaN;
    final List<SaveTimings> timings = new ArrayList<>();
    final List<Double> loopStalls = new ArrayList<>();
    final List<Double> syncSaves = new ArrayList<>();
    long checkpointBytes;
    long rssAfter;
    long rssAfterFirstSave;
    long peakBeforeFinal;
    long allocationsAfterFirst;
    long allocationsAfter;
    StoredCheckpoint last;

    double updatesPerSecond() {
      return updates / trainingSeconds;
    }
  }

  /**
   * Trains for {@code seconds} (saving every {@code every} seconds when positive, then timing
   * {@code sync} synchronous saves), or, when {@code saves} is positive, saves after every update
   * until that many saves are committed. Saves are called on the writer from the loop (the training
   * thread), so their duration there is the stall the loop sees.
   */
  private static Measured train(
      Path outputDir, MlpConfig mlp, double seconds, double every, int saves, int sync)
      throws IOException {
    Measured m = new Measured();
    RunLayout layout = RunLayout.of(outputDir, "bench", "train");
    TensorDataset data = randomData(256, INPUT, OUTPUT);
    DataSource source = source(data);
    Trainer[] running = new Trainer[1];
    boolean prepare = !"false".equals(System.getProperty("bench.prepare"));
    try (DjlModel model =
            MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(1, 0));
        SupervisedStep step = new SupervisedStep(model, source, SupervisedStepConfig.of("mse"));
        FileCheckpointStore store = FileCheckpointStore.builder().setOutputDir(outputDir).build()) {
      // Counted from the shapes: a snapshot here would put another copy of the weights in memory.
      m.stateBytes =
          3 * 4 * model.djlParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-4));
      Callback probe =
          new Callback() {
            final long warmup = 3;
            long start;
            long lastSave;
            SaveTimings seen = SaveTimings.NONE;
            CheckpointTag previousTag;
            CheckpointTag pendingDelete;

            @Override
            public void afterUpdate(TrainingContext context) {
              long now = System.nanoTime();
              long update = context.iteration().update();
              BackgroundCheckpointWriter writer =
                  (BackgroundCheckpointWriter) running[0].checkpoints();
              m.copyThreads = writer.staging().copyThreads();
              if (update == 1 && (every > 0 || saves > 0) && prepare) {
                // As the checkpoint callback does when periodic saves are configured.
                long t0 = System.nanoTime();
                writer.prepare(true);
                m.prepareSeconds = (System.nanoTime() - t0) / 1e9;
              }
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
                } else {
                  save(context, writer);
                }
                return;
              }
              if (update == warmup) {
                start = now;
                lastSave = now;
                return;
              }
              if (update < warmup) {
                return;
              }
              m.updates++;
              if ((now - start) / 1e9 >= seconds) {
                m.trainingSeconds = (now - start) / 1e9;
                if (sync > 0) {
                  syncSaves(context, writer);
                }
                context.requestStop("measured");
              } else if (every > 0 && (now - lastSave) / 1e9 >= every) {
                save(context, writer);
                lastSave = System.nanoTime();
              }
            }

            /** A background save, timed as the loop sees it; two checkpoints stay on disk. */
            private void save(TrainingContext context, BackgroundCheckpointWriter writer) {
              CheckpointTag tag = CheckpointTag.at(context.iteration());
              if (pendingDelete != null) {
                writer.delete(pendingDelete);
              }
              long t0 = System.nanoTime();
              writer.saveResumable(true, true);
              m.loopStalls.add((System.nanoTime() - t0) / 1e9);
              pendingDelete = previousTag;
              previousTag = tag;
            }

            /**
             * Saves the same state synchronously: the copy, the encoding, the checksums and fsync,
             * waited for.
             */
            private void syncSaves(TrainingContext context, BackgroundCheckpointWriter writer) {
              writer.flush();
              // The window's last save may have finished only now (a large state, slow updates).
              SaveTimings t = writer.lastTimings();
              if (t != seen) {
                seen = t;
                m.timings.add(t);
              }
              for (int i = 0; i < sync; i++) {
                long t0 = System.nanoTime();
                writer
                    .saveResumable(
                        CheckpointTag.emergency(context.iteration(), "sync" + i), Set.of())
                    .join();
                m.syncSaves.add((System.nanoTime() - t0) / 1e9);
                writer.delete(CheckpointTag.emergency(context.iteration(), "sync" + i)).join();
              }
            }

            @Override
            public void afterTraining(TrainingContext context) {
              BackgroundCheckpointWriter writer =
                  (BackgroundCheckpointWriter) running[0].checkpoints();
              writer.flush();
              // Before the final checkpoint, which a run without periodic saves writes too.
              m.peakBeforeFinal = rss("VmHWM");
              m.rssAfter = rss("VmRSS");
              m.allocationsAfter = writer.staging().allocations();
              m.stagedBytes = writer.staging().capacityBytes();
            }
          };
      Trainer.Builder builder =
          Trainer.builder()
              .setStage(layout.stage(), layout.stageDir())
              .optSeed(1)
              .setSettings(
                  new TrainerSettings(
                      0, 1_000_000_000L, 0, BATCH, null, Interval.updates(1_000_000_000L)))
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
        m.last = result.finalCheckpoint();
        m.checkpointBytes = m.last.size();
      }
    }
    return m;
  }

  /**
   * Times reading the checkpoint into a fresh model and optimizer as a resume does ({@link
   * CheckpointReader#forResume}: the store's verified open, the {@code .th} read, then the loads),
   * and torch.load of the same files: in alternating rounds, cold and warm, medians.
   */
  private static void resume(
      RunLayout layout, StoredCheckpoint checkpoint, MlpConfig mlp, Map<String, String> out)
      throws Exception {
    List<Path> files = checkpointFiles(layout, checkpoint, "mlp");
    int rounds = Integer.parseInt(System.getProperty("bench.resume_rounds", "3"));
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    TensorDataset data = randomData(16, INPUT, OUTPUT);
    try (FileCheckpointStore store = FileCheckpointStore.open(layout.outputDir())) {
      for (int round = 0; round < rounds; round++) {
        for (String temperature : List.of("cold", "warm")) {
          seconds
              .computeIfAbsent("resume_" + temperature + "_s", k -> new ArrayList<>())
              .add(
                  resumeOnce(
                      store, layout, checkpoint, mlp, data, files, temperature.equals("cold")));
          Double torch = torchLoad(layout, files, temperature.equals("cold"));
          if (torch != null) {
            seconds
                .computeIfAbsent("torch_" + temperature + "_s", k -> new ArrayList<>())
                .add(torch);
          }
        }
      }
    }
    seconds.forEach((k, v) -> out.put(k, f(median(v))));
    out.put("resume_rounds", Integer.toString(rounds));
  }

  /**
   * Seconds a resume into a fresh model and optimizer takes. A method of its own, so that nothing
   * of what it read stays referenced from the caller's frame: the files' mappings must be released
   * before the next eviction (the kernel keeps mapped pages in the cache).
   */
  private static double resumeOnce(
      FileCheckpointStore store,
      RunLayout layout,
      StoredCheckpoint checkpoint,
      MlpConfig mlp,
      TensorDataset data,
      List<Path> files,
      boolean cold)
      throws Exception {
    try (DjlModel model =
            MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(2, 0));
        SupervisedStep step =
            new SupervisedStep(model, source(data), SupervisedStepConfig.of("mse"))) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-4));
      if (cold) {
        evict(layout, files);
      }
      long t0 = System.nanoTime();
      LoadedCheckpoint loaded =
          CheckpointReader.forResume(store, find(store, layout, checkpoint), "mlp");
      model.load(loaded.stateDict(), true);
      optimizer.loadState(loaded.optimizer());
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** Seconds {@code dd} takes to write {@code bytes} of zeros with {@code conv=fsync}. */
  private static double dd(Path dir, long bytes) throws IOException, InterruptedException {
    Path target = dir.resolve("dd.bin");
    long blocks = Math.max(1, bytes / (16 << 20));
    run("sync");
    long t0 = System.nanoTime();
    run(
        "dd",
        "if=/dev/zero",
        "of=" + target,
        "bs=16M",
        "count=" + blocks,
        "conv=fsync",
        "status=none");
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

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  // ---------------------------------------------------------------- the table

  private static void print(List<Map<String, String>> rows) {
    System.out.println();
    System.out.println(
        "Checkpoint saves inside training: AdamW, MLP with hidden layers of 4096, batch "
            + BATCH
            + ", file store with fsync; each phase in its own JVM");
    System.out.printf(Locale.ROOT, "%-44s", "state (model+AdamW) GiB / torch threads");
    rows.forEach(
        r ->
            System.out.printf(
                Locale.ROOT, "%14s", get(r, "state_gib") + "/" + get(r, "threads") + "t"));
    System.out.println();
    row(rows, "snapshot copy threads", r -> get(r, "copy_threads"));
    row(rows, "stall per save, seen by loop s", r -> get(r, "stall_loop_s"));
    row(rows, "  wait + copy (writer) s", r -> get(r, "stall_s"));
    row(rows, "  snapshot copy alone s", r -> get(r, "copy_s"));
    row(rows, "  first save's stall s", r -> get(r, "first_stall_s"));
    row(rows, "  staged before the first save s", r -> get(r, "prepare_s"));
    row(rows, "synchronous save s", r -> get(r, "sync_s"));
    row(
        rows,
        "TARGET stall / sync save <= 0.10",
        r -> ratio(get(r, "stall_loop_s"), get(r, "sync_s")));
    row(rows, "  copy / sync save", r -> ratio(get(r, "copy_s"), get(r, "sync_s")));
    row(rows, "background write s", r -> get(r, "write_s"));
    row(rows, "updates/s, no saves", r -> get(r, "ups_plain"));
    row(rows, "updates/s, saving", r -> get(r, "ups_saving"));
    row(
        rows,
        "  saves in window / every s / window s",
        r ->
            get(r, "saves_during")
                + "/"
                + get(r, "every_s").replace(".000", "")
                + "/"
                + Math.round(Double.parseDouble(get(r, "window_s"))));
    row(
        rows,
        "throughput overhead, measured",
        r -> pct(1 - num(r, "ups_saving") / num(r, "ups_plain")));
    row(rows, "  loop time lost per save s", r -> f(lostPerSave(r)));
    row(rows, "TARGET overhead at 1 save/30 s <= 3%", r -> pct(lostPerSave(r) / 30));
    row(rows, "peak RSS, no saves GiB", r -> get(r, "rss_peak_plain_gib"));
    row(rows, "peak RSS, saving GiB", r -> get(r, "rss_peak_saving_gib"));
    row(rows, "  staging (one snapshot) GiB", r -> get(r, "staged_gib"));
    row(
        rows,
        "TARGET peak / (no saves + snap) <= 1.10",
        r ->
            f(
                num(r, "rss_peak_saving_gib")
                    / (num(r, "rss_peak_plain_gib") + num(r, "staged_gib"))));
    row(
        rows,
        "  (peak saving - no saves) / snapshot",
        r ->
            f(
                (num(r, "rss_peak_saving_gib") - num(r, "rss_peak_plain_gib"))
                    / num(r, "staged_gib")));
    row(rows, "RSS after 1 save GiB", r -> get(r, "rss_after_1_gib"));
    row(rows, "RSS after K saves GiB", r -> get(r, "rss_after_k_gib"));
    row(rows, "  K", r -> get(r, "k"));
    row(
        rows,
        "TARGET after K / after 1 in 0.95..1.05",
        r -> ratio(get(r, "rss_after_k_gib"), get(r, "rss_after_1_gib")));
    row(
        rows,
        "  staging allocs 1 -> K",
        r -> get(r, "staging_allocations_1") + "->" + get(r, "staging_allocations_k"));
    row(rows, "resume cold s", r -> get(r, "resume_cold_s"));
    row(rows, "torch.load cold s", r -> get(r, "torch_cold_s"));
    row(rows, "resume warm s", r -> get(r, "resume_warm_s"));
    row(rows, "torch.load warm s", r -> get(r, "torch_warm_s"));
    row(
        rows,
        "TARGET resume speed vs torch >= 1",
        r ->
            r.containsKey("torch_cold_s")
                ? ratio(get(r, "torch_cold_s"), get(r, "resume_cold_s"))
                    + "|"
                    + ratio(get(r, "torch_warm_s"), get(r, "resume_warm_s"))
                : "-");
    row(
        rows,
        "save MiB/s (background)",
        r -> f(num(r, "checkpoint_bytes") / 1048576.0 / num(r, "write_s")));
    row(
        rows,
        "dd conv=fsync MiB/s",
        r -> f(num(r, "checkpoint_bytes") / 1048576.0 / num(r, "dd_s")));
    row(rows, "save vs dd", r -> ratio(get(r, "dd_s"), get(r, "write_s")));
  }

  private static String get(Map<String, String> r, String key) {
    return r.getOrDefault(key, "-");
  }

  /** The value, or NaN when its phase did not run. */
  private static double num(Map<String, String> r, String key) {
    String v = r.get(key);
    return v == null || v.equals("-") ? Double.NaN : Double.parseDouble(v);
  }

  /**
   * The loop time one save cost: the window's updates at the no-save rate take less time than the
   * window did; the difference is spread over its saves.
   */
  private static double lostPerSave(Map<String, String> r) {
    double saves = num(r, "saves_during");
    if (saves == 0) {
      return Double.NaN;
    }
    return (num(r, "window_s") - num(r, "updates_saving") / num(r, "ups_plain")) / saves;
  }

  private static void row(
      List<Map<String, String>> rows,
      String label,
      java.util.function.Function<Map<String, String>, String> cell) {
    System.out.printf(Locale.ROOT, "%-44s", label);
    rows.forEach(r -> System.out.printf(Locale.ROOT, "%14s", cell.apply(r)));
    System.out.println();
  }

  private static String ratio(String a, String b) {
    if (a.equals("-") || b.equals("-")) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.3f", Double.parseDouble(a) / Double.parseDouble(b));
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
