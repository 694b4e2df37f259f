package ai.noether.inject;

import com.google.inject.Module;

/**
 * A Guice module a jar contributes to every Noether process, found through {@link
 * java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/ai.noether.inject.NoetherModule} and give it a public no-argument constructor.
 * This is how Apache Druid wires its extensions ({@code DruidModule}); Noether's own modules use it
 * too.
 *
 * <p>Two injectors see a module's bindings:
 *
 * <ul>
 *   <li>{@link #configure} binds into the <b>process injector</b>, which creates every component
 *       factory: a factory's {@code @Inject} constructor may ask for what any module binds here.
 *   <li>{@link #runModule()} binds into the <b>run injector</b>, a child of the process injector
 *       created once per run, next to the run's own services ({@code RunInfo}, the checkpoint
 *       store, the data source, the model...). Its {@code @Provides} methods may take those
 *       services as parameters. Components created through {@code ComponentContext.inject} see
 *       both.
 * </ul>
 *
 * <p>A service for plugins should be bound to an interface of {@code noether-api}, so that plugins
 * inject it without depending on the jar that implements it. A module that fails while Guice
 * configures it fails every run with a message naming the module and its jar.
 *
 * <p><b>Note:</b> only a jar that binds services of its own needs this interface (and Guice); a
 * plugin that merely injects the run's services depends on {@code noether-api} alone.
 */
public interface NoetherModule extends Module {

  /**
   * The bindings this module adds to each run's injector; none by default. Called once per run. A
   * service bound here is created at most once per run when it is bound in {@link
   * com.google.inject.Singleton} scope (the run injector is the singleton's home).
   */
  default Module runModule() {
    return binder -> {};
  }
}
