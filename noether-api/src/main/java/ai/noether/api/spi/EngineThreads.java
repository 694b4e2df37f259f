package ai.noether.api.spi;

import ai.noether.api.run.EngineConfig;

/**
 * Sets the thread counts of an engine (PyTorch's intra-op and inter-op threads) from the run's
 * {@code engine} block, before training starts. Engine modules provide an implementation through
 * {@code META-INF/services/ai.noether.api.spi.EngineThreads}; the framework applies every one on
 * the class path and logs what each says.
 */
public interface EngineThreads {

  /**
   * Applies the configured counts, or the defaults computed from {@code cores} where the block
   * leaves them out, unless the JVM was started with the engine's own setting for that count (a
   * system property), which then stays.
   *
   * @return what is in effect now, for the log, e.g. {@code "PyTorch: 7 intra-op threads, 1
   *     inter-op"}
   */
  String apply(EngineConfig config, int cores);
}
