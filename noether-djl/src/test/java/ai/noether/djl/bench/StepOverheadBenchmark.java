package ai.noether.djl.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.DataOrder;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import ai.noether.djl.step.SupervisedStep;
import ai.noether.djl.step.SupervisedStepConfig;
import ai.noether.djl.tensor.HostTransfer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Updates per second of a hand-written DJL training loop (DJL's {@code Trainer} with DJL's {@code
 * Adam}, a {@code GradientCollector}, batches gathered by index from the split on the device)
 * against Noether's {@link SupervisedStep} with Noether's {@code adam} and {@code adamw}, on the
 * same MLP and data: first gathering batches the same way as the DJL loop (so that only the
 * framework differs), then with the default {@code gather: auto}; then the optimizer update alone.
 * Rounds alternate between the variants and the median is reported, so that a busy machine slows
 * all of them alike.
 *
 * <p>Arguments (all optional): {@code updates-per-round rounds batch-size}. PyTorch runs with one
 * thread unless {@code -Dai.djl.pytorch.num_threads} says otherwise.
 */
public final class StepOverheadBenchmark {
  private static final int INPUTS = 64;
  private static final List<Integer> HIDDEN = List.of(256, 256);
  private static final int OUTPUTS = 10;
  private static final int SAMPLES = 8192;
  private static final float LR = 1e-3f;

  private StepOverheadBenchmark() {}

  /** One way of running an update. */
  private interface Variant extends AutoCloseable {
    String name();

    void update(long[] batch, long seed);

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    int updates = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine = Engine.getInstance();
    TensorDataset data = data();
    DataOrder order = new DataOrder(7, SAMPLES);
    System.out.printf(
        Locale.ROOT,
        "engine %s %s, DJL %s, %s PyTorch thread(s), device cpu%n",
        engine.getEngineName(),
        engine.getVersion(),
        Engine.getDjlVersion(),
        System.getProperty("ai.djl.pytorch.num_threads"));
    System.out.printf(
        Locale.ROOT,
        "MLP %d -> %s -> %d, batch %d, %d samples, %d updates x %d rounds (median)%n%n",
        INPUTS,
        HIDDEN,
        OUTPUTS,
        batchSize,
        SAMPLES,
        updates,
        rounds);

    List<Variant> variants =
        List.of(
            new DjlLoop(data),
            new NoetherStep("noether step + adam, gather: device", data, false, "device"),
            new NoetherStep("noether step + adamw, gather: device", data, true, "device"),
            new NoetherStep("noether step + adamw, gather: auto (host)", data, true, "auto"));
    double[][] rates = new double[variants.size()][rounds];
    long[][] batches = new long[updates][];
    long perEpoch = SAMPLES / batchSize;
    for (int u = 0; u < updates; u++) {
      batches[u] = order.batch(u / perEpoch, u % perEpoch, batchSize);
    }
    for (Variant v : variants) {
      run(v, batches, Math.min(200, updates)); // warm up
    }
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < variants.size(); k++) {
        int i = (k + r) % variants.size();
        rates[i][r] = updates / run(variants.get(i), batches, updates);
      }
    }
    String[] names = variants.stream().map(Variant::name).toArray(String[]::new);
    print("training update (forward, loss, backward, step)", names, rates);

    System.out.println();
    wholeLoop(data, batches, rounds, batchSize);
    System.out.println();
    optimizerOnly(data, updates * 4, rounds);
    for (Variant v : variants) {
      v.close();
    }
  }

  /**
   * The whole loop: DJL's hand-written loop against Noether's {@link
   * ai.noether.core.training.Trainer} (data order, counters, logging window, history, callback
   * dispatch, iteration-end checkpoint handling) driving the same step and optimizer. The trainer
   * is timed from its first to its last update by a callback, so the final checkpoint it writes
   * afterwards is not counted.
   */
  private static void wholeLoop(TensorDataset data, long[][] batches, int rounds, int batchSize)
      throws Exception {
    int updates = batches.length;
    double[][] rates = new double[2][rounds];
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("noether-loop-bench");
    try (DjlLoop djl = new DjlLoop(data)) {
      for (int r = -1; r < rounds; r++) {
        double djlSeconds = run(djl, batches, updates);
        double trainerSeconds = trainerRun(data, dir, r + 1, updates, batchSize);
        if (r >= 0) {
          rates[0][r] = updates / djlSeconds;
          rates[1][r] = updates / trainerSeconds;
        }
      }
    } finally {
      try (var files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    print(
        "whole training loop, " + updates + " updates",
        new String[] {
          "DJL Trainer + DJL Adam (hand-written loop)",
          "noether Trainer.run() + adamw, gather: auto"
        },
        rates);
  }

  private static double trainerRun(
      TensorDataset data, java.nio.file.Path dir, int round, int updates, int batchSize)
      throws Exception {
    NoetherStep parts = new NoetherStep("trainer", data, true, "auto");
    ai.noether.core.store.FileCheckpointStore store =
        ai.noether.core.store.FileCheckpointStore.open(dir);
    long[] times = new long[2];
    ai.noether.api.callback.Callback clock =
        new ai.noether.api.callback.Callback() {
          @Override
          public void beforeTraining(ai.noether.api.callback.TrainingContext context) {
            times[0] = System.nanoTime();
          }

          @Override
          public void afterTraining(ai.noether.api.callback.TrainingContext context) {
            times[1] = System.nanoTime();
          }
        };
    ai.noether.api.checkpoint.StageId stage =
        new ai.noether.api.checkpoint.StageId("bench", "round" + round);
    try (parts;
        store;
        ai.noether.core.training.Trainer trainer =
            ai.noether.core.training.Trainer.builder()
                .setStage(stage, dir.resolve("bench").resolve(stage.stageName()))
                .optSeed(7)
                .setSettings(
                    new ai.noether.core.training.TrainerSettings(
                        0,
                        updates,
                        0,
                        batchSize,
                        null,
                        ai.noether.api.callback.Interval.updates(100)))
                .setModel(parts.model)
                .setOptimizer(parts.optimizer, LR)
                .setStep(parts.step)
                .setData(parts.source)
                .setStore(store, ai.noether.core.format.th.ThFormat.encoder())
                .addCallback("clock", clock)
                .build()) {
      trainer.run();
    }
    return (times[1] - times[0]) / 1e9;
  }

  /** The optimizer update alone, on gradients left by one backward pass. */
  private static void optimizerOnly(TensorDataset data, int steps, int rounds) {
    try (DjlLoop djl = new DjlLoop(data);
        NoetherStep adamw = new NoetherStep("adamw", data, true, "device");
        NoetherStep adam = new NoetherStep("adam", data, false, "device")) {
      long[] batch = new long[128];
      Arrays.setAll(batch, i -> i);
      djl.backwardOnly(batch);
      adamw.step.train(batch, 0);
      adam.step.train(batch, 0);
      Runnable[] updates = {
        djl.trainer::step, () -> adamw.optimizer.step(LR), () -> adam.optimizer.step(LR)
      };
      String[] names = {
        "DJL Adam (Trainer.step)", "noether adamw (Optimizer.step)", "noether adam (Optimizer.step)"
      };
      double[][] rates = new double[3][rounds];
      for (Runnable u : updates) {
        for (int s = 0; s < 500; s++) {
          u.run();
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 3; k++) {
          int i = (k + r) % 3;
          long start = System.nanoTime();
          for (int s = 0; s < steps; s++) {
            updates[i].run();
          }
          rates[i][r] = steps / ((System.nanoTime() - start) / 1e9);
        }
      }
      print("optimizer update alone (6 tensors, 85k values)", names, rates);
    }
  }

  /** One row per variant: median rate, its ratio to the first row's, and the spread over rounds. */
  private static void print(String title, String[] names, double[][] rates) {
    System.out.printf(
        Locale.ROOT, "%-46s %11s %8s %16s%n", title, "updates/s", "vs DJL", "rounds min..max");
    double baseline = median(rates[0]);
    for (int i = 0; i < names.length; i++) {
      double[] r = rates[i];
      System.out.printf(
          Locale.ROOT,
          "%-46s %11.1f %7.3fx %7.0f..%-7.0f%n",
          names[i],
          median(r),
          median(r) / baseline,
          Arrays.stream(r).min().orElse(0),
          Arrays.stream(r).max().orElse(0));
    }
  }

  private static double run(Variant v, long[][] batches, int count) {
    long start = System.nanoTime();
    for (int u = 0; u < count; u++) {
      v.update(batches[u], u);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static TensorDataset data() {
    SplittableRandom random = new SplittableRandom(1);
    float[] x = new float[SAMPLES * INPUTS];
    float[] y = new float[SAMPLES * OUTPUTS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) random.nextGaussian();
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {SAMPLES, INPUTS}, x),
        HostTensor.ofFloats(new long[] {SAMPLES, OUTPUTS}, y));
  }

  /** The loop a DJL user writes: Trainer, DJL's Adam, GradientCollector, batch by index. */
  private static final class DjlLoop implements Variant {
    private final Model model;
    private final Trainer trainer;
    private final NDArray features;
    private final NDArray targets;

    DjlLoop(TensorDataset data) {
      model = Model.newInstance("djl-mlp", Device.cpu());
      SequentialBlock block = new SequentialBlock();
      for (int width : HIDDEN) {
        block.add(Linear.builder().setUnits(width).build());
        block.add(Activation.reluBlock());
      }
      block.add(Linear.builder().setUnits(OUTPUTS).build());
      model.setBlock(block);
      ai.djl.training.optimizer.Optimizer adam =
          ai.djl.training.optimizer.Optimizer.adam()
              .optLearningRateTracker(Tracker.fixed(LR))
              .optWeightDecays(0.01f)
              .build();
      trainer =
          model.newTrainer(
              new DefaultTrainingConfig(Loss.l2Loss())
                  .optOptimizer(adam)
                  .optDevices(new Device[] {Device.cpu()}));
      trainer.initialize(new Shape(1, INPUTS));
      features = HostTransfer.toNDArray(data.features(), model.getNDManager());
      targets = HostTransfer.toNDArray(data.targets(), model.getNDManager());
    }

    @Override
    public String name() {
      return "DJL Trainer + DJL Adam (hand-written loop)";
    }

    @Override
    public void update(long[] batch, long seed) {
      backwardOnly(batch);
      trainer.step();
    }

    void backwardOnly(long[] batch) {
      try (NDManager batchManager = model.getNDManager().newSubManager()) {
        NDArray index = batchManager.create(batch);
        NDArray x = features.get(index);
        NDArray y = targets.get(index);
        x.attach(batchManager);
        y.attach(batchManager);
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList predictions = trainer.forward(new NDList(x));
          NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
          collector.backward(loss);
          loss.getFloat();
        }
      }
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
    }
  }

  /** Noether's step and optimizer, as the trainer drives them. */
  private static final class NoetherStep implements Variant {
    private final String name;
    private final DjlModel model;
    private final SupervisedStep step;
    private final Optimizer optimizer;
    private final DataSource source;

    NoetherStep(String name, TensorDataset data, boolean decoupled, String gather) {
      this.name = name;
      model = MlpModelFactory.build("net", MlpConfig.of(INPUTS, HIDDEN, OUTPUTS), Device.cpu(), 1);
      source =
          new DataSource() {
            @Override
            public Dataset train() {
              return data;
            }

            @Override
            public Optional<Dataset> validation() {
              return Optional.empty();
            }
          };
      step = new SupervisedStep(model, source, SupervisedStepConfig.of("mse").withGather(gather));
      AdamConfig config = AdamConfig.of(LR).withWeightDecay(0.01);
      optimizer =
          decoupled ? AdamOptimizer.adamW(model, config) : AdamOptimizer.adam(model, config);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void update(long[] batch, long seed) {
      step.train(batch, seed);
      optimizer.step(LR);
    }

    @Override
    public void close() {
      step.close();
      model.close();
    }
  }
}
