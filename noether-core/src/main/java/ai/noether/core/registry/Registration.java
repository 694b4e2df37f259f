package ai.noether.core.registry;

import ai.noether.api.spi.ComponentFactory;
import java.util.Objects;

/**
 * One factory the registry knows: its kind, category, instance and where it came from.
 *
 * @param kind the factory's {@link ComponentFactory#kind()}
 * @param category the factory interface it was registered under
 * @param factory the instance, created through Guice
 * @param source the jar file name or class directory the factory class was loaded from, for
 *     listings and messages; never null
 */
public record Registration(
    String kind, ComponentCategory<?, ?> category, ComponentFactory<?> factory, String source) {
  public Registration {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(source, "source");
  }

  /** The factory's one-line description; empty when it has none. */
  public String description() {
    String d = factory.description();
    return d == null ? "" : d.strip();
  }

  /** The factory class name; for a component that declares its kind, the component class name. */
  public String className() {
    return factory instanceof DeclaredComponents.Declared declared
        ? declared.componentClass().getName()
        : factory.getClass().getName();
  }
}
