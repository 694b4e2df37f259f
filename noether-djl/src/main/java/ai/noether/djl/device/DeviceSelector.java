package ai.noether.djl.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.noether.api.run.DeviceSpec;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a {@link DeviceSpec} to a DJL {@link Device}:
 *
 * <ul>
 *   <li>{@code auto}: the first GPU when the engine reports at least one, else the CPU;
 *   <li>{@code cpu}: the CPU;
 *   <li>{@code gpu} / {@code gpu:N}: GPU {@code N}, which must exist.
 * </ul>
 *
 * <p>Each selection logs one line naming the device and the engine version, so that a run's log
 * says where it trained.
 */
public final class DeviceSelector {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelector.class);

  private DeviceSelector() {}

  /**
   * The device for {@code spec} on this machine, using the default engine.
   *
   * @throws DeviceUnavailableException if a GPU index is requested that the engine does not see
   */
  public static Device select(DeviceSpec spec) {
    Engine engine = Engine.getInstance();
    Device device = select(spec, engine.getGpuCount());
    LOG.info(
        "device {} (configured: {}), engine {} {}, DJL {}",
        device,
        spec,
        engine.getEngineName(),
        engine.getVersion(),
        Engine.getDjlVersion());
    return device;
  }

  /**
   * The device for {@code spec} when the engine sees {@code gpuCount} GPUs.
   *
   * @throws DeviceUnavailableException if a GPU index is requested that does not exist
   */
  public static Device select(DeviceSpec spec, int gpuCount) {
    Objects.requireNonNull(spec, "spec");
    switch (spec.kind()) {
      case AUTO:
        return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
      case CPU:
        return Device.cpu();
      case GPU:
        if (spec.index() >= gpuCount) {
          throw new DeviceUnavailableException(
              "device "
                  + spec
                  + " was requested but "
                  + describe(gpuCount)
                  + "; use device: auto (GPU when present, else CPU), cpu"
                  + (gpuCount > 0 ? ", or gpu:0 to gpu:" + (gpuCount - 1) : ""));
        }
        return Device.gpu(spec.index());
      default:
        throw new IllegalStateException("unhandled device kind " + spec.kind());
    }
  }

  private static String describe(int gpuCount) {
    if (gpuCount == 0) {
      return "the engine sees no GPU (no CUDA device, or a CPU-only native library)";
    }
    return "the engine sees "
        + gpuCount
        + (gpuCount == 1 ? " GPU (gpu:0)" : " GPUs (gpu:0 to gpu:" + (gpuCount - 1) + ")");
  }
}
