package ai.noether.djl.step;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.training.DataOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Microseconds per batch for the two ways of gathering batch rows ({@code gather: device} and
 * {@code gather: host}) on the CPU, for a few split and batch shapes. Not a test: it prints the
 * figures behind the choice of {@code gather: auto}. See {@code docs/performance.md}.
 */
public final class BatchGatherBenchmark {
  private BatchGatherBenchmark() {}

  public static void main(String[] args) {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine = Engine.getInstance();
    System.out.printf(
        Locale.ROOT,
        "engine %s %s, %s PyTorch thread(s), device cpu; median of 9 rounds%n%n",
        engine.getEngineName(),
        engine.getVersion(),
        System.getProperty("ai.djl.pytorch.num_threads"));
    System.out.printf(
        Locale.ROOT,
        "%-34s %14s %14s %10s%n",
        "split (float32), batch",
        "device us/batch",
        "host us/batch",
        "host/device");
    int[][] shapes = {{8192, 14, 32}, {8192, 64, 128}, {60000, 784, 128}, {100000, 16, 1024}};
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int[] s : shapes) {
        TensorDataset split = data(s[0], s[1]);
        try (BatchSource device = new DeviceBatchSource(split, manager);
            BatchSource host = new HostBatchSource(split, Device.cpu())) {
          double d = microsPerBatch(device, manager, s[0], s[2]);
          double h = microsPerBatch(host, manager, s[0], s[2]);
          System.out.printf(
              Locale.ROOT,
              "%-34s %14.1f %14.1f %9.2fx%n",
              s[0] + " x " + s[1] + ", batch " + s[2],
              d,
              h,
              h / d);
        }
      }
    }
  }

  private static double microsPerBatch(
      BatchSource source, NDManager manager, int samples, int batchSize) {
    DataOrder order = new DataOrder(3, samples);
    int batches = Math.max(200, 200_000 / batchSize);
    long[][] indices = new long[batches][];
    for (int b = 0; b < batches; b++) {
      indices[b] = order.batch(0, b % (samples / batchSize), batchSize);
    }
    double[] rounds = new double[9];
    for (int r = -1; r < rounds.length; r++) {
      long start = System.nanoTime();
      for (int b = 0; b < batches; b++) {
        try (NDManager batch = manager.newSubManager();
            NDScope scope = new NDScope()) {
          Batch rows = source.gather(indices[b], batch);
          rows.inputs().head().getShape();
          scope.suppressNotUsedWarning();
        }
      }
      if (r >= 0) {
        rounds[r] = (System.nanoTime() - start) / 1e3 / batches;
      }
    }
    Arrays.sort(rounds);
    return rounds[rounds.length / 2];
  }

  private static TensorDataset data(int samples, int features) {
    SplittableRandom random = new SplittableRandom(samples);
    float[] x = new float[samples * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble();
    }
    float[] y = new float[samples];
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, features}, x),
        HostTensor.ofFloats(new long[] {samples}, y));
  }
}
