package ai.noether.examples.quickstart;

import ai.noether.api.model.Model;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ModelFactory;
import ai.noether.core.training.Seeds;
import ai.noether.djl.device.DeviceSelector;
import ai.noether.djl.model.mlp.MlpConfig;
import ai.noether.djl.model.mlp.MlpModelFactory;
import java.util.List;

/**
 * {@code kind: test-unchecked-mlp}: an mlp from a plugin that implements no check and declares no
 * output shape, so that only the dry forward pass can find a model that does not fit the data.
 * Found through the test services file.
 */
public final class UncheckedMlpFactory implements ModelFactory<UncheckedMlpFactory.Config> {

  /**
   * @param inputSize features per sample @param outputSize predictions per sample
   */
  public record Config(int inputSize, int outputSize) {}

  @Override
  public String kind() {
    return "test-unchecked-mlp";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Model create(String name, Config config, ComponentContext context) {
    RunInfo run = context.require(RunInfo.class);
    return MlpModelFactory.build(
        name,
        MlpConfig.of(config.inputSize(), List.of(8), config.outputSize()),
        DeviceSelector.select(run.device()),
        Seeds.forInitialization(run.seed(), 0));
  }
}
