package ai.noether.initializers.file;

import ai.noether.api.checkpoint.TensorFileReader;
import ai.noether.api.init.Initializer;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.InitializerFactory;

/**
 * The {@code checkpoint-file} kind: model weights from one file, a Noether {@code .th} model file,
 * a PyTorch state dict or a safetensors file.
 */
public final class CheckpointFileInitializerFactory
    implements InitializerFactory<CheckpointFileInitializerConfig> {
  /** The permanent kind name. */
  public static final String KIND = "checkpoint-file";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CheckpointFileInitializerConfig> configType() {
    return CheckpointFileInitializerConfig.class;
  }

  @Override
  public String description() {
    return "model weights from one file: a Noether .th model file, a PyTorch state dict or safetensors";
  }

  @Override
  public Initializer create(CheckpointFileInitializerConfig config, ComponentContext context) {
    return new CheckpointFileInitializer(
        config, context.require(TensorFileReader.class), context.path());
  }
}
