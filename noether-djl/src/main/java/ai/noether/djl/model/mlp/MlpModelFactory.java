package ai.noether.djl.model.mlp;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.Initializer;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ModelFactory;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.ModelConstruction;
import ai.noether.djl.model.SeededInitialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds {@code mlp} models (see {@link MlpConfig} for the YAML).
 *
 * <p><b>Parameter paths.</b> The layers form one {@code nn.Sequential} named {@code layers}, with
 * the modules a PyTorch user would write: for each hidden width a {@code Linear}, the activation,
 * and a {@code Dropout} only when {@code dropout > 0}; then the output {@code Linear}. Modules are
 * numbered from 0, every module counted, so {@code hidden_sizes: [64, 32]} gives
 *
 * <pre>
 * dropout 0:   layers.0.{weight,bias}  layers.2.{weight,bias}  layers.4.{weight,bias}
 * dropout 0.1: layers.0.{weight,bias}  layers.3.{weight,bias}  layers.6.{weight,bias}
 * </pre>
 *
 * exactly the {@code state_dict} keys of {@code self.layers = nn.Sequential(nn.Linear(i, 64),
 * nn.ReLU(), [nn.Dropout(p),] nn.Linear(64, 32), ...)}; weights are {@code [out, in]} as in
 * PyTorch.
 *
 * <p><b>Initialisation.</b> Weights and biases are uniform in {@code [-1/sqrt(in), 1/sqrt(in))},
 * PyTorch's default for {@code nn.Linear}, drawn from {@link RunSeeds#forInitialization(int)
 * RunSeeds.forInitialization(0)}: the same config and seed give bit-identical weights in any
 * process and on any device.
 */
public final class MlpModelFactory implements ModelFactory<MlpConfig> {
  /** The registered kind. */
  public static final String KIND = "mlp";

  /** The name of the sequential container, the first segment of every parameter path. */
  public static final String LAYERS = "layers";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<MlpConfig> configType() {
    return MlpConfig.class;
  }

  @Override
  public String description() {
    return "multi-layer perceptron (Linear, activation, optional dropout) with PyTorch parameter names";
  }

  /**
   * The features must be one floating-point vector of {@code input_size} values per sample; the
   * output (one vector of {@code output_size} values) is the training step's to check.
   */
  @Override
  public void check(MlpConfig config, RunPlan plan, ConfigProblems problems) {
    Optional<SampleShape> features = plan.optFeatures();
    if (features.isEmpty()) {
      return;
    }
    SampleShape f = features.get();
    if (f.dims().size() != 1) {
      problems.error(
          "input_size",
          config.inputSize()
              + ", but "
              + f.origin()
              + " are "
              + f
              + " per sample: an mlp takes"
              + " one vector of input_size values per sample. Flatten the features in the dataset ("
              + f.elements()
              + " values), or use a model kind made for that shape.");
    } else if (f.dims().get(0) != config.inputSize().longValue()) {
      problems.error(
          "input_size",
          config.inputSize()
              + " does not match "
              + f.origin()
              + ", which have "
              + f.dims().get(0)
              + " values per sample ("
              + f
              + "); set input_size: "
              + f.dims().get(0)
              + ", or change the dataset.");
    }
    ModelConstruction.requireFloatingPoint(f, "an mlp", problems);
  }

  /** One vector of {@code output_size} values per sample. */
  @Override
  public Optional<SampleShape> outputShape(MlpConfig config, String path) {
    return Optional.of(
        new SampleShape(
            List.of((long) config.outputSize()),
            null,
            "the predictions of the model ("
                + path
                + ".kind: "
                + KIND
                + ", "
                + path
                + ".output_size: "
                + config.outputSize()
                + ")"));
  }

  @Override
  public DjlModel create(String name, MlpConfig config, ComponentContext context) {
    return ModelConstruction.onRunDevice(
        context, (device, initSeed) -> build(name, config, device, initSeed));
  }

  /**
   * Builds an MLP on {@code device} with weights drawn from {@code initSeed}.
   *
   * @param initSeed usually {@code RunSeeds.forInitialization(modelIndex)}
   */
  public static DjlModel build(String name, MlpConfig config, Device device, long initSeed) {
    return ModelConstruction.withNewManager(
        device,
        manager -> {
          SequentialBlock layers = layers(config);
          // Values are drawn below, in Java; zeros avoid consuming the engine's random stream.
          layers.setInitializer(Initializer.ZEROS, p -> true);
          layers.initialize(manager, DataType.FLOAT32, new Shape(1, config.inputSize()));
          DjlModel model = DjlModel.of(name, layers, manager, LAYERS, config.toMap());
          initialize(model, initSeed);
          return model;
        });
  }

  private static SequentialBlock layers(MlpConfig config) {
    SequentialBlock layers = new SequentialBlock();
    for (int width : config.hiddenSizes()) {
      layers.add(Linear.builder().setUnits(width).build());
      layers.add(config.activationKind().newBlock());
      if (config.dropout() > 0) {
        layers.add(Dropout.builder().optRate(config.dropout().floatValue()).build());
      }
    }
    layers.add(Linear.builder().setUnits(config.outputSize()).build());
    return layers;
  }

  private static void initialize(DjlModel model, long initSeed) {
    for (Map.Entry<String, Parameter> e : model.djlParameters().entrySet()) {
      String path = e.getKey();
      String weightPath =
          path.endsWith(".bias") ? path.substring(0, path.length() - 5) + ".weight" : path;
      long fanIn =
          Objects.requireNonNull(model.djlParameters().get(weightPath), weightPath)
              .getArray()
              .getShape()
              .get(1);
      SeededInitialization.uniform(e.getValue().getArray(), 1 / Math.sqrt(fanIn), initSeed, path);
    }
  }
}
