package ai.noether.examples.quickstart;

import ai.noether.api.data.DataSource;
import ai.noether.api.data.Dataset;
import ai.noether.api.data.TensorDataset;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kind: test-flawed-regression}: the {@code synthetic-regression} data, except that while
 * the file {@code flaw_file} exists the target of training sample {@code flawed_sample} is NaN. It
 * plays a data file with one bad row that the user repairs before resuming: the configuration stays
 * the same, the data become sound. Found through the test services file.
 */
public final class FlawedRegressionFactory
    implements DatasetFactory<FlawedRegressionFactory.Config> {

  /**
   * The keys of {@code synthetic-regression} plus the flaw.
   *
   * @param flawedSample the training sample whose target is NaN while the flaw file exists
   * @param flawFile the file whose existence makes the flaw
   */
  public record Config(
      int trainSamples,
      int validSamples,
      int inputSize,
      double noise,
      long dataSeed,
      int flawedSample,
      String flawFile) {}

  @Override
  public String kind() {
    return "test-flawed-regression";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public String description() {
    return "synthetic-regression with a NaN target while a file exists (test plugin)";
  }

  @Override
  public DataSource create(Config c, long seed, ComponentContext context) {
    SyntheticRegression sound =
        new SyntheticRegression(
            new SyntheticRegressionConfig(
                c.trainSamples(), c.validSamples(), c.inputSize(), c.noise(), c.dataSeed()));
    if (!Files.exists(Path.of(c.flawFile()))) {
      return sound;
    }
    TensorDataset train = (TensorDataset) sound.train();
    ByteBuffer targets =
        ByteBuffer.allocateDirect((int) train.targets().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    targets.put(train.targets().buffer()).flip();
    targets.putFloat(c.flawedSample() * Float.BYTES, Float.NaN);
    TensorDataset flawed =
        new TensorDataset(
            train.features(),
            HostTensor.wrap(train.targets().dtype(), train.targets().shape(), targets));
    return new DataSource() {
      @Override
      public Dataset train() {
        return flawed;
      }

      @Override
      public Optional<Dataset> validation() {
        return sound.validation();
      }

      @Override
      public Map<String, Object> extras() {
        return sound.extras();
      }
    };
  }
}
