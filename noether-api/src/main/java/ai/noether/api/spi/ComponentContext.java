package ai.noether.api.spi;

import java.util.Optional;

/**
 * The run-scoped services a factory may use while it creates its component: the checkpoint store,
 * the run layout, the models built so far, the resolved configuration.
 *
 * <p>A run builds its components in a fixed order (store, data, model, initializers, optimizer,
 * schedule, training step, callbacks, loggers); a factory sees the services built before it. The
 * services a plugin may ask for are api types: {@link ai.noether.api.run.RunInfo}, {@link
 * ai.noether.api.run.RunSeeds}, {@link ai.noether.api.checkpoint.RunLayout}, {@link
 * ai.noether.api.checkpoint.CheckpointStore}, {@link ai.noether.api.checkpoint.CheckpointStores},
 * {@link ai.noether.api.checkpoint.ModelWeightsReader}, {@link
 * ai.noether.api.checkpoint.TensorFileReader}, {@link ai.noether.api.data.DataSource}, {@link
 * ai.noether.api.model.Model} and {@link ai.noether.api.optim.Optimizer}, plus whatever the Guice
 * modules on the class path bind.
 */
public interface ComponentContext {

  /**
   * A service by type.
   *
   * @throws IllegalStateException naming the type if the run has no such service
   */
  <T> T require(Class<T> type);

  /** A service by type, if the run has one. */
  <T> Optional<T> find(Class<T> type);

  /** The YAML path of the block being built (e.g. {@code trainer.callbacks[2]}), for messages. */
  String path();

  /**
   * Creates an instance of {@code type} through the run's injector: its {@code
   * jakarta.inject.Inject} constructor receives any of the run's services (see the class comment),
   * this block's bound config (by its config type) and this context. A class with a public
   * no-argument constructor and no {@code @Inject} one is created with that.
   *
   * <pre>{@code
   * public Callback create(MyConfig config, ComponentContext context) {
   *   return context.inject(MyCallback.class);   // MyCallback(@Inject MyConfig, RunInfo, CheckpointStore)
   * }
   * }</pre>
   *
   * <p>The default, for contexts that have no injector (a test's hand-made context), throws.
   *
   * @throws IllegalStateException naming the class and the service its constructor needs but the
   *     run does not have (yet)
   * @throws IllegalArgumentException what the constructor throws, which the framework reports as a
   *     configuration error naming the block
   */
  default <T> T inject(Class<T> type) {
    throw new UnsupportedOperationException(
        getClass().getName()
            + " cannot inject "
            + type.getName()
            + ": it is not a context of a run; create the component with its constructor");
  }
}
