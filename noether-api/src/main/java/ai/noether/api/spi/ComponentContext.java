package ai.noether.api.spi;

import java.util.Optional;

/**
 * The run-scoped services a factory may use while it creates its component: the checkpoint store,
 * the run layout, the models built so far, the resolved configuration.
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
}
