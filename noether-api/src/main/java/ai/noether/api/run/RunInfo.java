package ai.noether.api.run;

import ai.noether.api.checkpoint.StageId;
import java.util.Objects;

/**
 * Facts about the run being built, available to every factory through {@link
 * ai.noether.api.spi.ComponentContext#require(Class)}, and to the {@code @Inject} constructor of
 * every component the run's injector creates.
 *
 * @param stage run id and stage name of the stage being trained; never null
 * @param seed the run seed; every random stream of the run is derived from it and the counters
 * @param device the configured device; never null
 */
public record RunInfo(StageId stage, long seed, DeviceSpec device) {
  public RunInfo {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(device, "device");
  }
}
