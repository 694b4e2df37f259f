package ai.noether.djl.step;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.Field;
import ai.noether.api.data.FieldDataset;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.config.ScalerConfig;
import ai.noether.core.data.ScaledDataSource;
import ai.noether.core.training.DataOrder;
import ai.noether.core.training.Seeds;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import ai.noether.djl.optim.AdamConfig;
import ai.noether.djl.optim.AdamOptimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Updates per second of the supervised step with background prefetching off and on, driven as the
 * trainer drives it (the next batches announced before each update, then the update and the
 * optimizer step), on a file-backed dataset of windows such as C-MAPSS's ({@code x} of {@code [30,
 * 14]} float32 per sample, read from a file with one positioned read per sample, then
 * standard-scaled in Java) and an MLP on the flattened window. Rounds alternate between the
 * variants and the median is reported, so that a busy machine slows all of them alike.
 *
 * <p>Arguments (all optional): {@code updates-per-round rounds batch-size hidden-width}; the depths
 * compared are {@code -Dprefetch.depths=0,2} (0 is off and the baseline). PyTorch runs with one
 * thread unless {@code -Dai.djl.pytorch.num_threads} says otherwise.
 */
public final class PrefetchBenchmark {
  private static final int WINDOW = 30;
  private static final int SENSORS = 14;
  private static final int SAMPLES = 20_000;

  private PrefetchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int updates = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine = Engine.getInstance();
    Path file = Files.createTempFile("prefetch-benchmark", ".f32");
    try (WindowFile data = WindowFile.write(file)) {
      DataSource source =
          ScaledDataSource.of(
              sourceOf(data),
              new ScalerConfig(ScalerConfig.STANDARD, List.of("x"), null, 4096),
              null);
      System.out.printf(
          Locale.ROOT,
          "engine %s %s, %s PyTorch thread(s), %d cores; %d windows [%d, %d] float32 read"
              + " from a file and standard-scaled; MLP %d -> %d -> %d -> 1, batch %d, %d updates x %d rounds (median)%n%n",
          engine.getEngineName(),
          engine.getVersion(),
          System.getProperty("ai.djl.pytorch.num_threads"),
          Runtime.getRuntime().availableProcessors(),
          SAMPLES,
          WINDOW,
          SENSORS,
          WINDOW * SENSORS,
          hidden,
          hidden,
          batchSize,
          updates,
          rounds);
      int[] depths =
          Arrays.stream(System.getProperty("prefetch.depths", "0,2").split(","))
              .map(String::strip)
              .mapToInt(Integer::parseInt)
              .toArray();
      double[][] rates = new double[depths.length][rounds];
      for (int round = -1; round < rounds; round++) {
        for (int v = 0; v < depths.length; v++) {
          double rate = run(source, depths[v], updates, batchSize, hidden, round + 2);
          if (round >= 0) {
            rates[v][round] = rate;
          }
        }
      }
      double gatherMs = gatherMillis((FieldDataset) source.train(), batchSize, updates);
      double off = median(rates[0]);
      System.out.printf(
          Locale.ROOT,
          "gathering and scaling one batch on the host: %.2f ms; one update without"
              + " prefetching: %.2f ms (the most prefetching can hide is the first)%n%n",
          gatherMs,
          1000 / off);
      System.out.printf(
          Locale.ROOT,
          "%-32s %10s %8s  %s%n",
          "variant",
          "updates/s",
          "vs off",
          "slowest..fastest");
      for (int v = 0; v < depths.length; v++) {
        double[] r = rates[v].clone();
        Arrays.sort(r);
        System.out.printf(
            Locale.ROOT,
            "%-32s %10.1f %7.2fx  %.1f..%.1f%n",
            depths[v] == 0
                ? "prefetch: false"
                : "prefetch: " + depths[v] + (depths[v] == 2 ? " (true, default)" : ""),
            median(rates[v]),
            median(rates[v]) / off,
            r[0],
            r[r.length - 1]);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static double run(
      DataSource source, int depth, int updates, int batchSize, int hidden, long seed) {
    SupervisedStepConfig config =
        SupervisedStepConfig.of("mse")
            .withFields(List.of("x"), Map.of("y", TargetConfig.of("mse", 1)))
            .withPrefetch(depth)
            .withGather("host");
    MlpConfig mlp = new MlpConfig(WINDOW * SENSORS, List.of(hidden, hidden), 1, "relu", 0.0);
    try (DjlModel model = MlpModelFactory.build("net", mlp, Device.cpu(), seed);
        SupervisedStep step = new SupervisedStep(model, flattened(source), config)) {
      Optimizer optimizer =
          AdamOptimizer.adamW(
              model, new AdamConfig(1e-3, null, null, 0.01, null, null, List.of(), null));
      DataOrder order = new DataOrder(seed, SAMPLES);
      long perEpoch = (SAMPLES + batchSize - 1) / batchSize;
      long started = System.nanoTime();
      for (int u = 0; u < updates; u++) {
        for (int ahead = 1; ahead <= step.prefetchDepth() && u + ahead < updates; ahead++) {
          int next = u + ahead;
          step.prefetch(order.batch(next / perEpoch, next % perEpoch, batchSize));
        }
        step.trainStep(
            order.batch(u / perEpoch, u % perEpoch, batchSize), Seeds.forUpdate(seed, u));
        optimizer.step(1e-3);
      }
      return updates / ((System.nanoTime() - started) / 1e9);
    }
  }

  /** Mean milliseconds to gather (read and scale) one batch's fields on this thread. */
  private static double gatherMillis(FieldDataset train, int batchSize, int batches) {
    DataOrder order = new DataOrder(1, SAMPLES);
    long perEpoch = (SAMPLES + batchSize - 1) / batchSize;
    long started = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      long[] indices = order.batch(b / perEpoch, b % perEpoch, batchSize);
      train.gather("x", indices);
      train.gather("y", indices);
    }
    return (System.nanoTime() - started) / 1e6 / batches;
  }

  /** The windows flattened to {@code [420]} for the MLP; a view, no copy of the split. */
  private static DataSource flattened(DataSource source) {
    FieldDataset train = (FieldDataset) source.train();
    FieldDataset flat =
        new FieldDataset() {
          @Override
          public long size() {
            return train.size();
          }

          @Override
          public List<Field> fields() {
            return List.of(
                new Field("x", DType.FLOAT32, new long[] {WINDOW * SENSORS}), train.field("y"));
          }

          @Override
          public HostTensor gather(String field, long[] indices) {
            HostTensor t = train.gather(field, indices);
            return field.equals("x")
                ? HostTensor.wrap(
                    t.dtype(), new long[] {indices.length, WINDOW * SENSORS}, t.chunks())
                : t;
          }
        };
    return new DataSource() {
      @Override
      public Dataset train() {
        return flat;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.empty();
      }
    };
  }

  private static DataSource sourceOf(FieldDataset data) {
    return new DataSource() {
      @Override
      public Dataset train() {
        return data;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.empty();
      }
    };
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Windows in a file, one positioned read per sample; the target {@code y} is in memory. */
  private static final class WindowFile implements FieldDataset, AutoCloseable {
    private static final int ROW_BYTES = WINDOW * SENSORS * Float.BYTES;
    private final FileChannel channel;
    private final HostTensor y;

    private WindowFile(FileChannel channel, HostTensor y) {
      this.channel = channel;
      this.y = y;
    }

    static WindowFile write(Path file) throws IOException {
      SplittableRandom random = new SplittableRandom(3);
      float[] y = new float[SAMPLES];
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer row = ByteBuffer.allocate(ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < SAMPLES; s++) {
          row.clear();
          double sum = 0;
          for (int i = 0; i < WINDOW * SENSORS; i++) {
            float v = (float) (random.nextGaussian() * (1 + i % SENSORS) + i % SENSORS);
            sum += v * (i % 3 - 1);
            row.putFloat(v);
          }
          y[s] = (float) (sum / 100);
          out.write(row.flip());
        }
      }
      return new WindowFile(
          FileChannel.open(file, StandardOpenOption.READ),
          HostTensor.ofFloats(new long[] {SAMPLES}, y));
    }

    @Override
    public long size() {
      return SAMPLES;
    }

    @Override
    public List<Field> fields() {
      return List.of(
          new Field("x", DType.FLOAT32, new long[] {WINDOW, SENSORS}),
          new Field("y", DType.FLOAT32, new long[0]));
    }

    @Override
    public HostTensor gather(String field, long[] indices) {
      if (field.equals("y")) {
        return new ai.noether.api.data.TensorDataset(y, y).gather("features", indices);
      }
      ByteBuffer out =
          ByteBuffer.allocateDirect(indices.length * ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      try {
        for (int i = 0; i < indices.length; i++) {
          ByteBuffer row = out.duplicate().position(i * ROW_BYTES).limit((i + 1) * ROW_BYTES);
          long at = indices[i] * (long) ROW_BYTES;
          while (row.hasRemaining()) {
            at += channel.read(row, at);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return HostTensor.wrap(DType.FLOAT32, new long[] {indices.length, WINDOW, SENSORS}, out);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
