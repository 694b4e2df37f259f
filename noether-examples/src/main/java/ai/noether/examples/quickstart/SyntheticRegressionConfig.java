package ai.noether.examples.quickstart;

/**
 * Configuration of the {@code synthetic-regression} dataset.
 *
 * <pre>{@code
 * dataset:
 *   kind: synthetic-regression
 *   train_samples: 2048    # samples in the training split
 *   valid_samples: 512     # samples in the validation split; 0 for none
 *   test_samples: 0        # samples in the test split (noether evaluate/predict --split test); 0 for none
 *   input_size: 8          # features per sample
 *   noise: 0.05            # standard deviation of the noise added to the targets
 *   data_seed: 7           # the data depend on this, not on the run seed
 * }</pre>
 *
 * @param trainSamples samples in the training split; positive
 * @param validSamples samples in the validation split; zero for none
 * @param testSamples samples in the test split, drawn after the other two (so they do not change
 *     the training and validation data); zero (the default) for none
 * @param inputSize features per sample; positive
 * @param noise standard deviation of the target noise; not negative
 * @param dataSeed the seed the data are generated from, so that runs with different seeds train on
 *     the same data
 */
public record SyntheticRegressionConfig(
    int trainSamples,
    int validSamples,
    Integer testSamples,
    int inputSize,
    double noise,
    long dataSeed) {
  public SyntheticRegressionConfig {
    testSamples = testSamples == null ? 0 : testSamples;
    if (testSamples < 0) {
      throw new IllegalArgumentException("test_samples must not be negative, was " + testSamples);
    }
    if (trainSamples <= 0) {
      throw new IllegalArgumentException("train_samples must be positive, was " + trainSamples);
    }
    if (validSamples < 0) {
      throw new IllegalArgumentException("valid_samples must not be negative, was " + validSamples);
    }
    if (inputSize <= 0) {
      throw new IllegalArgumentException("input_size must be positive, was " + inputSize);
    }
    if (!(noise >= 0)) {
      throw new IllegalArgumentException("noise must not be negative, was " + noise);
    }
  }

  /** A configuration without a test split. */
  public SyntheticRegressionConfig(
      int trainSamples, int validSamples, int inputSize, double noise, long dataSeed) {
    this(trainSamples, validSamples, 0, inputSize, noise, dataSeed);
  }
}
