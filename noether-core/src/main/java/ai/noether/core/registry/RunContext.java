package ai.noether.core.registry;

import ai.noether.api.spi.ComponentContext;
import ai.noether.core.config.RunConfig;
import ai.noether.api.run.RunInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@link ComponentContext} of one run: a typed map of run-scoped services that grows while the
 * run is assembled (the run facts and configuration first, then the checkpoint store, the data,
 * the model...), and the YAML path of the block being built.
 *
 * <p>A service is found by the type it was put under, or else by the first service (in the order
 * they were put) that is an instance of the requested type. {@link #at(String)} gives a view with
 * another path over the same services, so a service put later is visible to every view.
 *
 * <p>Not thread-safe: a run is assembled on one thread.
 */
public final class RunContext implements ComponentContext {
  private final Map<Class<?>, Object> services;
  private final String path;

  /** An empty context at the root path. */
  public RunContext() {
    this(new LinkedHashMap<>(), "");
  }

  private RunContext(Map<Class<?>, Object> services, String path) {
    this.services = services;
    this.path = path;
  }

  /** A context holding the run's {@link RunInfo} and its {@link RunConfig}. */
  public static RunContext forRun(RunConfig config) {
    return new RunContext().put(RunInfo.class, config.runInfo()).put(RunConfig.class, config);
  }

  /**
   * Adds a service under {@code type}.
   *
   * @return this context
   * @throws IllegalStateException if the run already has a service of that type
   */
  public <T> RunContext put(Class<T> type, T service) {
    if (!type.isInstance(service)) {
      throw new IllegalArgumentException(service + " is not a " + type.getName());
    }
    if (services.putIfAbsent(type, service) != null) {
      throw new IllegalStateException("this run already has a " + type.getName());
    }
    return this;
  }

  /** The same services, for the block at {@code path}. */
  public RunContext at(String path) {
    return new RunContext(services, path);
  }

  @Override
  public <T> T require(Class<T> type) {
    return find(type).orElseThrow(() -> new IllegalStateException(
        (path.isEmpty() ? "" : path + ": ") + "this run has no " + type.getName() + " (yet); it has "
            + services.keySet().stream().map(Class::getSimpleName).collect(Collectors.joining(", "))));
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    Object exact = services.get(type);
    if (exact != null) {
      return Optional.of(type.cast(exact));
    }
    return services.values().stream().filter(type::isInstance).findFirst().map(type::cast);
  }

  @Override
  public String path() {
    return path;
  }
}
