package ai.noether.djl;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.RunInfo;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.training.DerivedRunSeeds;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A component context holding the services tests hand to factories. */
public final class TestContext implements ComponentContext {
  private final Map<Class<?>, Object> services = new HashMap<>();
  private final String path;

  private TestContext(String path) {
    this.path = path;
  }

  /** A context whose run has the given seed (and the framework's seeds derived from it) and runs on the CPU. */
  public static TestContext withSeed(long seed) {
    TestContext c = new TestContext("test");
    c.services.put(RunInfo.class, new RunInfo(new StageId("test-run", "train"), seed, DeviceSpec.CPU));
    c.services.put(RunSeeds.class, new DerivedRunSeeds(seed));
    return c;
  }

  /** An empty context. */
  public static TestContext empty() {
    return new TestContext("test");
  }

  @Override
  public <T> T require(Class<T> type) {
    return find(type).orElseThrow(() -> new IllegalStateException("no " + type.getName() + " in this run"));
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(type.cast(services.get(type)));
  }

  @Override
  public String path() {
    return path;
  }
}
