package ai.noether.djl.device;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.noether.api.Nullable;
import ai.noether.api.run.EngineConfig;
import ai.noether.api.spi.EngineThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's intra-op and inter-op thread counts from the run's {@code engine} block.
 *
 * <p>DJL reads {@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads}
 * when it loads the engine; this sets them before that and, when the engine was loaded earlier in
 * the process (an application that trains twice), sets the counts on the running engine. A count
 * the {@code engine} block leaves out keeps the JVM's own system property when the process was
 * started with one (the tests and benchmarks pin one thread that way), else gets the default of
 * {@link EngineConfig}.
 *
 * <p><b>Note:</b> PyTorch fixes its inter-op pool at its first parallel work; a different count
 * asked for after that is reported and left as it is.
 */
public final class PyTorchThreads implements EngineThreads {
  private static final Logger LOG = LoggerFactory.getLogger(PyTorchThreads.class);
  static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  @Override
  public String apply(EngineConfig config, int cores) {
    String source =
        config.threads() != null
            ? "engine.threads"
            : positive(System.getProperty(THREADS_PROPERTY)) > 0
                ? "-D" + THREADS_PROPERTY
                : "default: cores - 1";
    int threads = count(config.threads(), THREADS_PROPERTY, config.threadsOn(cores));
    int interop = count(config.interopThreads(), INTEROP_PROPERTY, config.interopThreadsOn(cores));
    System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
    System.setProperty(INTEROP_PROPERTY, Integer.toString(interop));
    Engine engine =
        Engine.getEngine("PyTorch"); // loads it with the properties above, if not yet loaded
    if (JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
    if (JniUtils.getNumInteropThreads() != interop) {
      try {
        JniUtils.setNumInteropThreads(interop);
      } catch (RuntimeException e) {
        LOG.warn(
            "PyTorch keeps {} inter-op threads instead of the {} asked for: it fixes them at its first parallel"
                + " work, which happened earlier in this process ({})",
            JniUtils.getNumInteropThreads(),
            interop,
            e.getMessage());
      }
    }
    return engine.getEngineName()
        + " "
        + engine.getVersion()
        + ": "
        + JniUtils.getNumThreads()
        + " intra-op threads ("
        + source
        + "), "
        + JniUtils.getNumInteropThreads()
        + " inter-op";
  }

  /** The configured count, else the JVM's property, else the default. */
  private static int count(@Nullable Integer configured, String property, int fallback) {
    if (configured != null) {
      return configured;
    }
    String set = System.getProperty(property);
    int n = positive(set);
    if (n > 0) {
      return n;
    }
    if (set != null) {
      LOG.warn("ignoring -D{}={}: not a positive integer; using {}", property, set, fallback);
    }
    return fallback;
  }

  /** The property's value if it is a positive integer, else 0. */
  private static int positive(String value) {
    try {
      return value == null ? 0 : Math.max(0, Integer.parseInt(value.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
