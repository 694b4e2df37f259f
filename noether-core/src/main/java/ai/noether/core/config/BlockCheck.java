package ai.noether.core.config;

import ai.noether.api.Nullable;

/**
 * Checks a component block as soon as the configuration reader finds it, so that the problems of
 * the blocks (their keys, types and values) are reported together with those of the framework's own
 * keys. The component registry provides the real check: it binds the block to its factory's config
 * ({@code ComponentRegistry.blockCheck()}).
 */
@FunctionalInterface
public interface BlockCheck {
  // The roles of blocks, as messages name them (the registry's category nouns).
  String STORE = "store";
  String DATASET = "dataset";
  String MODEL = "model";
  String INITIALIZER = "initializer";
  String OPTIMIZER = "optimizer";
  String SCHEDULE = "schedule";
  String TRAINING_STEP = "training step";
  String CALLBACK = "callback";
  String LOGGER = "logger";

  /** Checks nothing: blocks are checked later, when the registry binds them. */
  BlockCheck NONE = (role, block) -> {};

  /**
   * @param role one of the constants of this interface
   * @throws ai.noether.api.ConfigException for every problem of the block (several at once as a
   *     {@link ConfigProblemsException})
   */
  void check(String role, ComponentBlock block);

  /**
   * Checks {@code block} if there is one (null: it could not be read, its problem is recorded
   * already), recording its problems in {@code errors} instead of throwing them.
   */
  default void recordProblems(String role, @Nullable ComponentBlock block, ConfigErrors errors) {
    if (block != null) {
      errors.run(() -> check(role, block));
    }
  }
}
