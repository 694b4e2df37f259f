package ai.noether.djl.device;

import ai.djl.engine.Engine;
import ai.noether.api.spi.VersionReporter;
import java.util.List;

/** {@code noether --version}: DJL's version and the default engine's, as training would load it. */
public final class DjlVersionReporter implements VersionReporter {
  @Override
  public List<String> versions() {
    Engine engine = Engine.getInstance();
    return List.of(
        "DJL " + Engine.getDjlVersion(), engine.getEngineName() + " " + engine.getVersion());
  }
}
