package ai.noether.api.spi;

import java.util.List;

/**
 * Adds lines to {@code noether --version}, such as the versions of DJL and of the engine a module
 * trains with. Found with {@link java.util.ServiceLoader}: list implementations in {@code
 * META-INF/services/ai.noether.api.spi.VersionReporter}.
 */
public interface VersionReporter {
  /** Lines such as {@code DJL 0.35.1}; never null. May be slow (it may load a native library). */
  List<String> versions();
}
