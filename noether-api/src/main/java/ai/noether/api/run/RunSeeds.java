package ai.noether.api.run;

/**
 * The random seeds of the run being built, derived from its seed and the counters, so that resuming
 * needs no hidden generator state. Injectable into any component of a run ({@code @Inject}
 * constructor, or {@link ai.noether.api.spi.ComponentContext#require}); the framework's derivation
 * lives behind it, so a plugin draws from the same streams as the built-in components.
 *
 * <p>Every method is a pure function of the run seed and its arguments: the same run and counters
 * give the same seed in every process.
 */
public interface RunSeeds {

  /** The run seed ({@code seed:} in the configuration, or the one chosen for the run). */
  long runSeed();

  /** The seed of update number {@code update} (0-based: the update about to run). */
  long forUpdate(long update);

  /**
   * The seed for the initial weights of model number {@code modelIndex} (0 for the run's model).
   */
  long forInitialization(int modelIndex);

  /**
   * A seed for a stream of the plugin's own: {@code stream} names it (a constant of the plugin,
   * e.g. a hash of its kind), {@code index} counts within it (an update, an epoch, a sample).
   * Distinct arguments give independent-looking seeds.
   */
  long derive(long stream, long index);

  /**
   * Mixes three values into a seed with SplitMix64's finaliser: distinct inputs give
   * independent-looking seeds. Every seed above is built from it; a plugin mixes further streams
   * from one of them (an engine's per-parameter streams: {@code mix(forInitialization(0),
   * hash(path), 0)}).
   *
   * <p><b>Note:</b> the function is fixed forever: initial weights and the random draws of every
   * run depend on it, and a resumed run must draw what the uninterrupted one would have.
   */
  static long mix(long a, long b, long c) {
    return splitMix(splitMix(splitMix(a) ^ b) ^ c);
  }

  private static long splitMix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
