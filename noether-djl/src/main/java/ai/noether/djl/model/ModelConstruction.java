package ai.noether.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.noether.api.check.ConfigProblems;
import ai.noether.api.check.SampleShape;
import ai.noether.api.run.RunInfo;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ComponentContext;
import ai.noether.djl.device.DeviceSelector;
import java.util.function.Function;

/**
 * What the model factories of this module share: building on the run's device with the run's
 * initialisation seed, owning the model's manager until the model does, and the check that the
 * features are floating point.
 */
public final class ModelConstruction {
  private ModelConstruction() {}

  /** Builds a model on a device with initial weights drawn from a seed. */
  @FunctionalInterface
  public interface SeededBuild {
    /** The model on {@code device}, its weights drawn from {@code initSeed}. */
    DjlModel build(Device device, long initSeed);
  }

  /**
   * Builds on the run's device ({@link RunInfo#device()}) with weights from {@link
   * RunSeeds#forInitialization(int) RunSeeds.forInitialization(0)}.
   */
  public static DjlModel onRunDevice(ComponentContext context, SeededBuild build) {
    RunInfo run = context.require(RunInfo.class);
    return build.build(
        DeviceSelector.select(run.device()), context.require(RunSeeds.class).forInitialization(0));
  }

  /**
   * Runs {@code build} with a new base manager on {@code device}, which the model it returns owns;
   * the manager is closed when {@code build} throws.
   */
  public static DjlModel withNewManager(Device device, Function<NDManager, DjlModel> build) {
    NDManager manager = NDManager.newBaseManager(device);
    try {
      return build.apply(manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Reports an error when the features are of a non-floating-point dtype.
   *
   * @param model the model kind with its article, as the message starts: {@code "an mlp"}
   */
  public static void requireFloatingPoint(
      SampleShape features, String model, ConfigProblems problems) {
    if (features.dtype() != null && !features.dtype().isFloatingPoint()) {
      problems.error(
          null,
          model
              + " computes in floating point, but "
              + features.origin()
              + " are "
              + features
              + "; have the dataset provide float32 features.");
    }
  }
}
