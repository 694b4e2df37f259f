package ai.noether.core.registry;

import ai.noether.api.Nullable;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.config.RunConfig;
import ai.noether.core.inject.RunInjector;
import java.util.Optional;

/**
 * The {@link ComponentContext} of one run: a view, at the YAML path of the block being built, of
 * the run's injector ({@link RunInjector}), a child of the process injector that holds the run's
 * services as bindings. The run gains services while it is assembled (the run facts and
 * configuration first, then the checkpoint store, the data, the model...); {@link #put} binds one.
 *
 * <p>A service is found by the type it was put under, else by what the Guice modules bind to the
 * type (the run modules bind {@link ai.noether.api.run.RunSeeds}, {@link
 * ai.noether.api.checkpoint.RunLayout}, {@link ai.noether.api.checkpoint.ModelWeightsReader}), else
 * as the first service put that is an instance of the requested type. {@link #at(String)} gives a
 * view with another path over the same run, so a service put later is visible to every view. {@link
 * #inject} creates a component with its {@code @Inject} constructor.
 *
 * <p>The registry creates the run injector the first time it builds a component of the run. Not
 * thread-safe: a run is assembled on one thread.
 */
public final class RunContext implements ComponentContext {
  private final RunInjector run;
  private final String path;
  @Nullable private final Class<?> configType;
  @Nullable private final Object config;

  /** An empty context at the root path. */
  public RunContext() {
    this(new RunInjector(), "", null, null);
  }

  private RunContext(
      RunInjector run, String path, @Nullable Class<?> configType, @Nullable Object config) {
    this.run = run;
    this.path = path;
    this.configType = configType;
    this.config = config;
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
    run.put(type, service);
    return this;
  }

  /** The same services, for the block at {@code path}. */
  public RunContext at(String path) {
    return new RunContext(run, path, null, null);
  }

  /**
   * The same services, for the block at {@code path} whose bound config {@link #inject} may pass
   * on.
   */
  RunContext forBlock(String path, @Nullable Class<?> configType, @Nullable Object config) {
    return new RunContext(run, path, configType, config);
  }

  /** The run's injector, for the registry to attach to its process injector. */
  RunInjector injector() {
    return run;
  }

  @Override
  public <T> T require(Class<T> type) {
    return find(type)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    (path.isEmpty() ? "" : path + ": ")
                        + "this run has no "
                        + type.getName()
                        + " (yet); it has "
                        + run.describe()));
  }

  @Override
  public <T> Optional<T> find(Class<T> type) {
    return run.find(type);
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public <T> T inject(Class<T> type) {
    return run.create(type, configType, config, this);
  }
}
