package ai.noether.examples.quickstart;

import ai.noether.api.Nullable;
import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.tensor.DType;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A smooth non-linear regression target of a few features, {@code y = sin(a·x) + 0.5 (b·x)^2 + 0.3
 * (c·x)} plus Gaussian noise, with {@code a, b, c} and {@code x} drawn from the data seed.
 *
 * <p>The features are standardised with the mean and standard deviation of the training split, the
 * way a scaler is fitted on training data only. Those parameters are what a deployed model needs to
 * prepare its inputs, so they are the data source's {@link #extras()}: every model file holds them
 * under {@code extras} ({@code feature_mean}, {@code feature_std}).
 */
final class SyntheticRegression implements DataSource {
  private final TensorDataset train;
  private final @Nullable TensorDataset valid;
  private final @Nullable TensorDataset test;
  private final Map<String, Object> extras;

  SyntheticRegression(SyntheticRegressionConfig config) {
    SplittableRandom random = new SplittableRandom(config.dataSeed());
    int d = config.inputSize();
    double[][] directions = new double[3][d];
    for (double[] direction : directions) {
      for (int j = 0; j < d; j++) {
        direction[j] = random.nextGaussian() / Math.sqrt(d);
      }
    }
    float[][] trainX = features(random, config.trainSamples(), d);
    float[][] validX = features(random, config.validSamples(), d);
    float[] trainY = targets(random, trainX, directions, config.noise());
    float[] validY = targets(random, validX, directions, config.noise());
    float[] mean = new float[d];
    float[] std = new float[d];
    fitScaler(trainX, mean, std);
    this.train = dataset(trainX, trainY, mean, std);
    this.valid = config.validSamples() == 0 ? null : dataset(validX, validY, mean, std);
    // Drawn last, so that a test split leaves the training and validation data as they were.
    float[][] testX = features(random, config.testSamples(), d);
    this.test =
        config.testSamples() == 0
            ? null
            : dataset(testX, targets(random, testX, directions, config.noise()), mean, std);
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("feature_mean", HostTensor.ofFloats(new long[] {d}, mean));
    e.put("feature_std", HostTensor.ofFloats(new long[] {d}, std));
    this.extras = java.util.Collections.unmodifiableMap(e);
  }

  @Override
  public Dataset train() {
    return train;
  }

  @Override
  public Optional<Dataset> validation() {
    return Optional.ofNullable(valid);
  }

  @Override
  public Optional<Dataset> test() {
    return Optional.ofNullable(test);
  }

  @Override
  public Map<String, Object> extras() {
    return extras;
  }

  private static float[][] features(SplittableRandom random, int n, int d) {
    float[][] x = new float[n][d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        // Deliberately off-centre and of uneven scale, so that standardising them matters.
        row[j] = (float) (2.0 + (j + 1) * random.nextGaussian());
      }
    }
    return x;
  }

  private static float[] targets(
      SplittableRandom random, float[][] x, double[][] dirs, double noise) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      double a = 0;
      double b = 0;
      double c = 0;
      for (int j = 0; j < x[i].length; j++) {
        double z = (x[i][j] - 2.0) / (j + 1);
        a += dirs[0][j] * z;
        b += dirs[1][j] * z;
        c += dirs[2][j] * z;
      }
      y[i] = (float) (Math.sin(2 * a) + 0.5 * b * b + 0.3 * c + noise * random.nextGaussian());
    }
    return y;
  }

  private static void fitScaler(float[][] x, float[] mean, float[] std) {
    int d = mean.length;
    for (int j = 0; j < d; j++) {
      double sum = 0;
      for (float[] row : x) {
        sum += row[j];
      }
      double m = sum / x.length;
      double sq = 0;
      for (float[] row : x) {
        sq += (row[j] - m) * (row[j] - m);
      }
      mean[j] = (float) m;
      std[j] = (float) Math.max(1e-6, Math.sqrt(sq / x.length));
    }
  }

  private static TensorDataset dataset(float[][] x, float[] y, float[] mean, float[] std) {
    int n = x.length;
    int d = mean.length;
    ByteBuffer features =
        ByteBuffer.allocateDirect(n * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer f = features.asFloatBuffer();
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        f.put((row[j] - mean[j]) / std[j]);
      }
    }
    ByteBuffer targets = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    targets.asFloatBuffer().put(y);
    return new TensorDataset(
        HostTensor.wrap(DType.FLOAT32, new long[] {n, d}, features),
        HostTensor.wrap(DType.FLOAT32, new long[] {n, 1}, targets));
  }
}
