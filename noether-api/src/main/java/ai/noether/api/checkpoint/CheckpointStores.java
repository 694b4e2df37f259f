package ai.noether.api.checkpoint;

/**
 * Opens the store of any {@code output_dir} the class path serves, chosen by the location's scheme
 * ({@link StoreLocation}); a run's context provides it, so that a component reading another run
 * (the {@code previous-run} initializer given an {@code output_dir}) goes through the right store,
 * never a hard-coded file store.
 */
@FunctionalInterface
public interface CheckpointStores {

  /**
   * A new store rooted at {@code location} with its default settings; the caller closes it.
   *
   * @throws ai.noether.api.ConfigException if no store on the class path serves the scheme, naming
   *     the schemes that are served and which module adds more
   */
  CheckpointStore open(StoreLocation location);
}
