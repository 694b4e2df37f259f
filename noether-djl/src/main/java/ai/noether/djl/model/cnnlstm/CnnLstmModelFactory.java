package ai.noether.djl.model.cnnlstm;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.RunPlan;
import ai.noether.api.check.SampleShape;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ComponentContext;
import ai.noether.api.spi.ModelFactory;
import ai.noether.djl.model.DjlModel;
import ai.noether.djl.model.ModelConstruction;
import ai.noether.djl.model.PlainConfig;
import ai.noether.djl.model.TorchDefaultInitialization;
import java.util.List;
import java.util.Optional;

/**
 * Builds {@code cnn-lstm} models (see {@link CnnLstmConfig} for the YAML): the model of a
 * remaining-useful-life regression with a health-state classification beside it, or any sequence
 * model with named heads.
 *
 * <p><b>Parameter paths</b> are the {@code state_dict} keys of this PyTorch module (inputs batch
 * first, {@code [batch, window_length, features]}):
 *
 * <pre>{@code
 * class CnnLstm(nn.Module):
 *     def __init__(self):
 *         super().__init__()
 *         self.conv = nn.Sequential(nn.Conv1d(14, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.1),
 *                                   nn.Conv1d(32, 64, 3, padding=1), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.1))
 *         self.lstm = nn.LSTM(64, 64, num_layers=2, batch_first=True, dropout=0.1)
 *         self.heads = nn.ModuleDict({'rul': nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1)),
 *                                     'health': nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 3))})
 *     def forward(self, x):
 *         x = self.conv(x.transpose(1, 2)).transpose(1, 2)
 *         out, _ = self.lstm(x)
 *         last = out[:, -1]                    # or out.mean(1) with pooling: mean
 *         return {name: head(last) for name, head in self.heads.items()}
 * }</pre>
 *
 * that is {@code conv.0.weight}, {@code conv.1.running_mean}, {@code conv.1.num_batches_tracked},
 * {@code lstm.weight_ih_l0}, {@code heads.rul.0.weight}, ...
 *
 * <p><b>Initial weights</b> follow PyTorch's defaults for these layers ({@link
 * TorchDefaultInitialization}), drawn from {@link RunSeeds#forInitialization(int)
 * RunSeeds.forInitialization(0)}.
 */
public final class CnnLstmModelFactory implements ModelFactory<CnnLstmConfig> {
  /** The registered kind. */
  public static final String KIND = "cnn-lstm";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CnnLstmConfig> configType() {
    return CnnLstmConfig.class;
  }

  @Override
  public String description() {
    return "1-D convolutions, an LSTM and named MLP heads over windows of time steps, with PyTorch parameter names";
  }

  /** The features must be {@code input_shape} floating-point values per sample. */
  @Override
  public void check(CnnLstmConfig config, RunPlan plan, ConfigProblems problems) {
    Optional<SampleShape> features = plan.optFeatures();
    if (features.isEmpty()) {
      return;
    }
    SampleShape f = features.get();
    if (!f.dims().equals(config.inputShape())) {
      problems.error(
          "input_shape",
          config.inputShape()
              + " does not match "
              + f.origin()
              + ", which are "
              + f
              + " per sample; a cnn-lstm takes [window_length, features] per sample"
              + (f.dims().size() == 2
                  ? ": set input_shape: " + f.dimsText()
                  : ": have the dataset cut windows"));
    }
    ModelConstruction.requireFloatingPoint(f, "a cnn-lstm", problems);
  }

  /**
   * With one head, its {@code output_size} values per sample; with several the step matches them by
   * name.
   */
  @Override
  public Optional<SampleShape> outputShape(CnnLstmConfig config, String path) {
    if (config.heads().size() != 1) {
      return Optional.empty();
    }
    var head = config.heads().entrySet().iterator().next();
    return Optional.of(
        new SampleShape(
            List.of((long) head.getValue().outputSize()),
            null,
            "the predictions of the model ("
                + path
                + ".heads."
                + head.getKey()
                + ".output_size: "
                + head.getValue().outputSize()
                + ")"));
  }

  @Override
  public DjlModel create(String name, CnnLstmConfig config, ComponentContext context) {
    return ModelConstruction.onRunDevice(
        context, (device, initSeed) -> build(name, config, device, initSeed));
  }

  /** Builds the model on {@code device} with weights drawn from {@code initSeed}. */
  public static DjlModel build(String name, CnnLstmConfig config, Device device, long initSeed) {
    return ModelConstruction.withNewManager(
        device,
        manager -> {
          CnnLstmBlock block = new CnnLstmBlock(config);
          // Weights are drawn below, in Java; zeros avoid consuming the engine's random stream.
          block.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
          block.initialize(
              manager, DataType.FLOAT32, new Shape(1, config.windowLength(), config.features()));
          DjlModel model = DjlModel.of(name, block, manager, "", PlainConfig.of(KIND, config));
          TorchDefaultInitialization.apply(model, "", initSeed);
          return model;
        });
  }
}
