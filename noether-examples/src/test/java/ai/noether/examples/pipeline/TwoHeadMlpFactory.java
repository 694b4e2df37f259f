package ai.noether.examples.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.Initializer;
import ai.noether.api.model.Model;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ModelFactory;
import ai.noether.core.training.Seeds;
import ai.noether.djl.device.DeviceSelector;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.SeededInitialization;
import java.util.List;
import java.util.Map;

/**
 * {@code kind: test-two-head-mlp}: an mlp trunk with dropout and two named heads, {@code rul} (one
 * value) and {@code health} (logits), returned health first so that only their names pair them with
 * the targets. Stands in for a built-in multi-head kind ({@code cnn-lstm}) until one exists. Found
 * through the test services file.
 */
public final class TwoHeadMlpFactory implements ModelFactory<TwoHeadMlpFactory.Config> {

  /**
   * @param inputSize sensors per sample
   * @param hidden trunk width
   * @param classes health classes
   * @param dropout trunk dropout rate
   */
  public record Config(int inputSize, int hidden, int classes, double dropout) {}

  @Override
  public String kind() {
    return "test-two-head-mlp";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Model create(String name, Config c, ComponentContext context) {
    RunInfo run = context.require(RunInfo.class);
    NDManager manager = NDManager.newBaseManager(DeviceSelector.select(run.device()));
    SequentialBlock trunk =
        new SequentialBlock()
            .add(Linear.builder().setUnits(c.hidden()).build())
            .add(Activation.reluBlock())
            .add(Dropout.builder().optRate((float) c.dropout()).build());
    ParallelBlock heads =
        new ParallelBlock(
            list -> {
              NDArray rul = list.get(0).singletonOrThrow();
              NDArray health = list.get(1).singletonOrThrow();
              rul.setName("rul");
              health.setName("health");
              return new NDList(health, rul);
            },
            List.of(
                Linear.builder().setUnits(1).build(),
                Linear.builder().setUnits(c.classes()).build()));
    SequentialBlock net = new SequentialBlock().add(trunk).add(heads);
    net.setInitializer(Initializer.ZEROS, p -> true);
    net.initialize(manager, DataType.FLOAT32, new Shape(1, c.inputSize()));
    DjlModel model =
        DjlModel.of(
            name,
            net,
            manager,
            "net",
            Map.of(
                "input_size",
                (long) c.inputSize(),
                "hidden",
                (long) c.hidden(),
                "classes",
                (long) c.classes(),
                "dropout",
                c.dropout()));
    long seed = Seeds.forInitialization(run.seed(), 0);
    model
        .djlParameters()
        .forEach((path, p) -> SeededInitialization.uniform(p.getArray(), 0.3, seed, path));
    return model;
  }
}
