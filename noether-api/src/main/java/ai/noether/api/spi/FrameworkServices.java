package ai.noether.api.spi;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The framework's implementation of an api service, for engine code that runs outside any
 * injection: a model's static block builder, an engine's tensor copies. {@code noether-core} lists
 * its implementations in {@code META-INF/services/<api interface name>}; the first one found
 * through {@link ServiceLoader} serves the whole process. Code that the framework creates (a
 * factory, a component, a {@link ai.noether.api.cli.CommandProvider}) asks the injector instead,
 * through its {@code @Inject} constructor; the process injector binds the same {@link
 * ConfigBinding} instance.
 *
 * <pre>{@code
 * Map<String, Object> saved = FrameworkServices.get(ConfigBinding.class).toPlainTree(config);
 * }</pre>
 *
 * <p>Services served this way: {@link ConfigBinding} and {@link
 * ai.noether.api.tensor.SnapshotBuffers}. Thread-safe.
 */
public final class FrameworkServices {
  private static final Map<Class<?>, Optional<?>> FOUND = new ConcurrentHashMap<>();

  private FrameworkServices() {}

  /**
   * The implementation of {@code type} on the class path.
   *
   * @throws IllegalStateException naming the type when none is, which means noether-core is missing
   *     from the run-time class path
   */
  public static <T> T get(Class<T> type) {
    return find(type)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no implementation of "
                        + type.getName()
                        + " on the class path: noether-core provides it (add it as a runtime dependency)"));
  }

  /** The implementation of {@code type} on the class path, if there is one. */
  @SuppressWarnings("unchecked")
  public static <T> Optional<T> find(Class<T> type) {
    return (Optional<T>) FOUND.computeIfAbsent(type, t -> lookUp(t));
  }

  private static <T> Optional<T> lookUp(Class<T> type) {
    return ServiceLoader.load(type).findFirst();
  }
}
