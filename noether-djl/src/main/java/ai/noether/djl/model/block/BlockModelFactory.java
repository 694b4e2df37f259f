package ai.noether.djl.model.block;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.noether.api.ConfigException;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ModelFactory;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.ModelConstruction;
import ai.noether.djl.model.PlainConfig;
import ai.noether.djl.model.SeededInitialization;
import ai.noether.djl.model.TorchDefaultInitialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@code block} models: any DJL {@link Block} the user provides, by class name (see {@link
 * BlockModelConfig} for the YAML).
 *
 * <p>The block is initialised with the declared {@code input_shapes} (batch size 1), its parameters
 * take the paths of {@link ai.noether.djl.model.ParameterPaths} from the block itself (no prefix:
 * the root's children are the first segment) with PyTorch's names for DJL's standard layers, and
 * its initial weights come from {@link RunSeeds#forInitialization(int)
 * RunSeeds.forInitialization(0)}, one stream per parameter, whatever initializers it uses ({@link
 * SeededInitialization#seedInitializers}).
 */
public final class BlockModelFactory implements ModelFactory<BlockModelConfig> {
  /** The registered kind. */
  public static final String KIND = "block";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<BlockModelConfig> configType() {
    return BlockModelConfig.class;
  }

  @Override
  public String description() {
    return "your own DJL Block (or BlockFactory) by class name, initialised with the declared input shapes and seeded";
  }

  /**
   * Finds the class and the constructor, method or factory for the arguments without building the
   * block; checks the first input shape against the dataset's features.
   */
  @Override
  public void check(BlockModelConfig config, RunPlan plan, ConfigProblems problems) {
    try {
      BlockConstruction.resolve(config, problems.path());
    } catch (ConfigException e) {
      problems.error(
          null,
          e.getMessage().startsWith(problems.path() + ".")
              ? e.getMessage().substring(problems.path().length() + 1)
              : e.getMessage());
    }
    Optional<SampleShape> features = plan.optFeatures();
    if (features.isPresent() && !features.get().dims().equals(config.inputShapes().get(0))) {
      SampleShape f = features.get();
      problems.error(
          "input_shapes",
          "the first input is declared "
              + config.inputShapes().get(0)
              + " but "
              + f.origin()
              + " are "
              + f
              + " per sample; set input_shapes: ["
              + f.dimsText()
              + "]");
    }
  }

  @Override
  public DjlModel create(String name, BlockModelConfig config, ComponentContext context) {
    Block block = BlockConstruction.resolve(config, context.path()).get();
    return ModelConstruction.onRunDevice(
        context, (device, initSeed) -> build(name, block, config, device, initSeed));
  }

  /**
   * Wraps a new, uninitialised block as a model: seeds its initializers, initialises it with the
   * config's input shapes on {@code device}, and with {@code initialization: pytorch} redraws the
   * standard layers with PyTorch's defaults. The model's {@code model_config} is {@code config}.
   */
  public static DjlModel build(
      String name, Block block, BlockModelConfig config, Device device, long initSeed) {
    return ModelConstruction.withNewManager(
        device,
        manager -> {
          SeededInitialization.seedInitializers(block, "", initSeed);
          Shape[] shapes =
              config.inputShapes().stream().map(BlockModelFactory::withBatch).toArray(Shape[]::new);
          block.initialize(manager, DataType.FLOAT32, shapes);
          Map<String, Object> plain = PlainConfig.of(KIND, config);
          DjlModel model = DjlModel.of(name, block, manager, "", plain);
          if (config.initialization().equals("pytorch")) {
            TorchDefaultInitialization.apply(model, "", initSeed);
          }
          return model;
        });
  }

  private static Shape withBatch(List<Long> sample) {
    long[] dims = new long[sample.size() + 1];
    dims[0] = 1;
    for (int i = 0; i < sample.size(); i++) {
      dims[i + 1] = sample.get(i);
    }
    return new Shape(dims);
  }
}
