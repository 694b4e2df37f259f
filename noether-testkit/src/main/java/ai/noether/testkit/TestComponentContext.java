package ai.noether.testkit;

import ai.noether.api.checkpoint.StageId;
import ai.noether.api.run.DeviceSpec;
import ai.noether.api.run.RunInfo;
import ai.noether.api.run.RunSeeds;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.training.DerivedRunSeeds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ComponentContext} holding the services a test hands to a factory, for unit tests that
 * call {@code factory.create(config, context)} without a run. A service that is not there is
 * reported by {@link #require} naming its type, as in a run.
 *
 * <pre>{@code
 * Model model = new MyModelFactory().create("mlp", config, TestComponentContext.withSeed(7));
 * }</pre>
 */
public final class TestComponentContext implements ComponentContext {
  private final Map<Class<?>, Object> services = new LinkedHashMap<>();
  private final String path;

  private TestComponentContext(String path) {
    this.path = path;
  }

  /** A context with no services, whose block is at {@code test}. */
  public static TestComponentContext empty() {
    return new TestComponentContext("test");
  }

  /**
   * A context whose run ({@link RunInfo}, stage {@code test-run/train}) has the given seed, the
   * framework's {@link RunSeeds} derived from it, and runs on the CPU.
   */
  public static TestComponentContext withSeed(long seed) {
    return empty()
        .with(RunInfo.class, new RunInfo(new StageId("test-run", "train"), seed, DeviceSpec.CPU))
        .with(RunSeeds.class, new DerivedRunSeeds(seed));
  }

  /** Adds (or replaces) the service of {@code type}; returns this context. */
  public <T> TestComponentContext with(Class<T> type, T service) {
    services.put(
        Objects.requireNonNull(type, "type"),
        type.cast(Objects.requireNonNull(service, "service")));
    return this;
  }

  @Override
  public <T> T require(Class<T> type) {
    return find(type)
        .orElseThrow(() -> new IllegalStateException("no " + type.getName() + " in this run"));
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
