package ai.noether.djl.step;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.HostTensor;
import java.util.Optional;
import java.util.SplittableRandom;

/** Small deterministic datasets for step tests. */
final class TestData {
  private TestData() {}

  /** {@code y = x W + b + noise} with fixed W and b. */
  static TensorDataset regression(int samples, int inputs, int outputs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples * inputs];
    float[] y = new float[samples * outputs];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int s = 0; s < samples; s++) {
      for (int o = 0; o < outputs; o++) {
        double v = 0.5 - o;
        for (int i = 0; i < inputs; i++) {
          v += x[s * inputs + i] * ((i + o) % 3 - 1) * 0.7;
        }
        y[s * outputs + o] = (float) (v + 0.01 * random.nextGaussian());
      }
    }
    return new TensorDataset(
        HostTensor.ofFloats(new long[] {samples, inputs}, x),
        HostTensor.ofFloats(new long[] {samples, outputs}, y));
  }

  /** A source with these splits. */
  static DataSource source(Dataset train, Dataset validation) {
    return new DataSource() {
      @Override
      public Dataset train() {
        return train;
      }

      @Override
      public Optional<Dataset> validation() {
        return Optional.ofNullable(validation);
      }
    };
  }
}
