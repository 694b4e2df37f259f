package ai.noether.api.run;

/**
 * The random seeds of the run being built, derived from its seed and the counters, so that
 * resuming needs no hidden generator state. Injectable into any component of a run
 * ({@code @Inject} constructor, or {@link ai.noether.api.spi.ComponentContext#require}); the
 * framework's derivation lives behind it, so a plugin draws from the same streams as the built-in
 * components.
 *
 * <p>Every method is a pure function of the run seed and its arguments: the same run and counters
 * give the same seed in every process.
 */
public interface RunSeeds {

  /** The run seed ({@code seed:} in the configuration, or the one chosen for the run). */
  long runSeed();

  /** The seed of update number {@code update} (0-based: the update about to run). */
  long forUpdate(long update);

  /** The seed for the initial weights of model number {@code modelIndex} (0 for the run's model). */
  long forInitialization(int modelIndex);

  /**
   * A seed for a stream of the plugin's own: {@code stream} names it (a constant of the plugin,
   * e.g. a hash of its kind), {@code index} counts within it (an update, an epoch, a sample).
   * Distinct arguments give independent-looking seeds.
   */
  long derive(long stream, long index);
}
