package ai.noether.core.engine;

import ai.noether.core.config.EngineConfig;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the thread counts of an engine (PyTorch's intra-op and inter-op threads) from the run's
 * {@code engine} block. Engine modules provide an implementation through
 * {@code META-INF/services/ai.noether.core.engine.EngineThreads}; the core stays engine-neutral.
 */
public interface EngineThreads {

  /**
   * Applies the configured counts, or the defaults computed from {@code cores} where the block
   * leaves them out, unless the JVM was started with the engine's own setting for that count (a
   * system property), which then stays.
   *
   * @return what is in effect now, for the log, e.g. {@code "PyTorch: 7 intra-op threads, 1 inter-op"}
   */
  String apply(EngineConfig config, int cores);

  /** Applies {@code config} through every engine on the class path, before training starts. */
  static void applyAll(EngineConfig config) {
    Logger log = LoggerFactory.getLogger(EngineThreads.class);
    int cores = Runtime.getRuntime().availableProcessors();
    for (EngineThreads engine : ServiceLoader.load(EngineThreads.class)) {
      log.info("engine threads on {} available cores: {}", cores, engine.apply(config, cores));
    }
  }
}
