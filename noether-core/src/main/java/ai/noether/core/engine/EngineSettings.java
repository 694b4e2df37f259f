package ai.noether.core.engine;

import ai.noether.api.run.EngineConfig;
import ai.noether.api.spi.EngineThreads;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a run's {@code engine} block through every {@link EngineThreads} on the class path. */
public final class EngineSettings {
  private static final Logger LOG = LoggerFactory.getLogger(EngineSettings.class);

  private EngineSettings() {}

  /** Applies {@code config} through every engine on the class path, before training starts. */
  public static void applyAll(EngineConfig config) {
    int cores = Runtime.getRuntime().availableProcessors();
    for (EngineThreads engine : ServiceLoader.load(EngineThreads.class)) {
      LOG.info("engine threads on {} available cores: {}", cores, engine.apply(config, cores));
    }
  }
}
