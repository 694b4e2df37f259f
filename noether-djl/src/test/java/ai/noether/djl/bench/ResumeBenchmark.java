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
import ai.noether.api.checkpoint.RunLayout;
import ai.noether.api.checkpoint.StoredCheckpoint;
import ai.noether.api.data.DataSource;
import ai.noether.api.optim.Optimizer;
import ai.noether.core.format.th.ThFormat;
import ai.noether.core.format.th.ThReader;
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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Resume against {@code torch.load} of the same files, in alternating rounds within one run (so
 * that a machine whose load changes treats both alike): per round, for each state size, Noether's
 * resume (verified open through the store, {@code .th} read, load into a fresh model and AdamW
 * optimizer) and {@code torch.load} of the model, optimizer and trainer files, each cold (the files
 * evicted from the page cache first) and warm. Also times the phases of a resume separately. Prints
 * medians and ratios; asserts nothing.
 *
 * <pre>
 * mvn -B -q -ntp -pl noether-djl -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
 * CP="noether-djl/target/test-classes:noether-djl/target/classes:$(cat noether-djl/target/test.classpath)"
 * java -Dbench.sizes=0.5 -Dbench.rounds=5 -cp "$CP" ai.noether.djl.bench.ResumeBenchmark
 * </pre>
 *
 * <p>System properties: {@code bench.sizes} (GiB of model + AdamW state, rounded to whole hidden
 * layers of 4096; default {@code 0.5}), {@code bench.rounds} (default 5), {@code bench.dir}
 * (default: the temp directory). Needs {@code /usr/bin/python3} with torch for the comparison.
 */
public final class ResumeBenchmark {
  private static final int WIDTH = 4096;
  private static final int INPUT = 64;
  private static final int OUTPUT = 8;
  private static final double GIB = 1024.0 * 1024 * 1024;

  private ResumeBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Double> sizes =
        Arrays.stream(System.getProperty("bench.sizes", "0.5").split(","))
            .map(Double::parseDouble)
            .toList();
    int rounds = Integer.parseInt(System.getProperty("bench.rounds", "5"));
    Path dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
            "resume-bench");
    try {
      for (double size : sizes) {
        one(dir.resolve("s" + size), size, rounds);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void one(Path outputDir, double sizeGib, int rounds) throws Exception {
    int layers = (int) Math.max(1, Math.round(sizeGib * GIB / 12.0 / ((double) WIDTH * WIDTH)));
    MlpConfig mlp = new MlpConfig(INPUT, Collections.nCopies(layers, WIDTH), OUTPUT, "relu", 0.0);
    RunLayout layout = RunLayout.of(outputDir, "bench", "train");
    StoredCheckpoint checkpoint = train(layout, mlp);
    List<Path> files = checkpointFiles(layout, checkpoint, "mlp");
    Map<String, List<Double>> times = new LinkedHashMap<>();
    try (FileCheckpointStore store = FileCheckpointStore.open(layout.outputDir())) {
      for (int round = 0; round < rounds; round++) {
        for (String temperature : List.of("cold", "warm")) {
          // A resume fills a model and an optimizer that were just built: no optimizer state yet.
          try (DjlModel model =
                  MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(2, 0));
              SupervisedStep step =
                  new SupervisedStep(
                      model,
                      source(randomData(16, INPUT, OUTPUT)),
                      SupervisedStepConfig.of("mse"))) {
            Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-4));
            if (temperature.equals("cold")) {
              evict(layout, files);
            }
            long t0 = System.nanoTime();
            resume(store, layout, checkpoint, model, optimizer, temperature, times);
            add(times, "resume " + temperature, t0);
          }
          Double torch = torchLoad(layout, files, temperature.equals("cold"));
          if (torch != null) {
            times.computeIfAbsent("torch.load " + temperature, k -> new ArrayList<>()).add(torch);
          }
        }
        long t0 = System.nanoTime();
        store.verify(find(store, layout, checkpoint));
        add(times, "  store.verify alone (CRC32C of every file)", t0);
        t0 = System.nanoTime();
        for (Path f : files) {
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ThReader.read(ch, f.toString());
          }
        }
        add(times, "  ThReader alone (record CRC-32s)", t0);
        System.out.println("round " + (round + 1) + " of " + rounds + " done");
      }
    }
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    System.out.printf(
        Locale.ROOT,
        "%nResume of %.3f GiB (model + AdamW, %d layers of %d), median of %d rounds%n",
        bytes / GIB,
        layers,
        WIDTH,
        rounds);
    times.forEach(
        (k, v) -> System.out.printf(Locale.ROOT, "%-44s %8.3f s   (%s)%n", k, median(v), list(v)));
    for (String t : List.of("cold", "warm")) {
      if (times.containsKey("torch.load " + t)) {
        System.out.printf(
            Locale.ROOT,
            "%-44s %8.3f   (torch.load / resume; >= 1: resume is at least as fast)%n",
            "resume speed vs torch.load, " + t,
            median(times.get("torch.load " + t)) / median(times.get("resume " + t)));
      }
    }
  }

  /** Noether's resume of the checkpoint into the model and optimizer, timed per phase. */
  private static void resume(
      FileCheckpointStore store,
      RunLayout layout,
      StoredCheckpoint checkpoint,
      DjlModel model,
      Optimizer optimizer,
      String temperature,
      Map<String, List<Double>> phases)
      throws IOException {
    long t0 = System.nanoTime();
    StoredCheckpoint found = find(store, layout, checkpoint);
    add(phases, "  " + temperature + ": list", t0);
    t0 = System.nanoTime();
    LoadedCheckpoint loaded = CheckpointReader.forResume(store, found, "mlp");
    add(phases, "  " + temperature + ": read (verified open + .th, 3 files)", t0);
    t0 = System.nanoTime();
    model.load(loaded.stateDict(), true);
    add(phases, "  " + temperature + ": model.load", t0);
    t0 = System.nanoTime();
    optimizer.loadState(loaded.optimizer());
    add(phases, "  " + temperature + ": optimizer.loadState", t0);
  }

  private static void add(Map<String, List<Double>> times, String key, long t0) {
    times.computeIfAbsent(key, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);
  }

  /** Trains one update and writes a final checkpoint (model, AdamW state, trainer). */
  private static StoredCheckpoint train(RunLayout layout, MlpConfig mlp) throws IOException {
    DataSource source = source(randomData(64, INPUT, OUTPUT));
    try (DjlModel model =
            MlpModelFactory.build("mlp", mlp, Device.cpu(), Seeds.forInitialization(1, 0));
        SupervisedStep step = new SupervisedStep(model, source, SupervisedStepConfig.of("mse"));
        FileCheckpointStore store =
            FileCheckpointStore.builder().setOutputDir(layout.outputDir()).build()) {
      Optimizer optimizer = AdamOptimizer.adamW(model, AdamConfig.of(1e-4));
      Trainer.Builder builder =
          Trainer.builder()
              .setStage(layout.stage(), layout.stageDir())
              .optSeed(1)
              .setSettings(
                  new TrainerSettings(0, 2, 0, 8, null, Interval.updates(1_000_000_000L), 1))
              .setModel(model)
              .setOptimizer(optimizer, 1e-4)
              .setStep(step)
              .setData(source)
              .setStore(store, ThFormat.encoder())
              .optHistoryFile(false)
              .addCallback(
                  "noop",
                  new Callback() {
                    @Override
                    public void afterUpdate(TrainingContext context) {}
                  });
      try (Trainer trainer = builder.build()) {
        return trainer.run().finalCheckpoint();
      }
    }
  }

  private static String list(List<Double> values) {
    return String.join(
        " ", values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList());
  }
}
