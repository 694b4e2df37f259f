package ai.noether.api.spi;

/**
 * Base of every factory that {@link java.util.ServiceLoader} discovers. A factory names its kind
 * (the short name written as {@code kind:} in YAML) and its config type; the framework binds the
 * YAML block (minus {@code kind}) to that type and passes it to the factory's {@code create}.
 *
 * <p>The kind is a contract: it is written into configs and checkpoints. Never rename it; add a new
 * kind instead. Kinds are lower-case words joined by {@code -} ({@code ema}, {@code previous-run}).
 *
 * <p>Factories are instantiated once per run. The framework creates them through Guice, so a factory
 * may declare an {@code @Inject} constructor for framework services; a public no-argument
 * constructor works too, and such a factory reaches services through its {@link ComponentContext}.
 *
 * @param <C> the config type: usually a record whose components are the YAML keys
 */
public interface ComponentFactory<C> {

  /** The permanent short name of this kind. */
  String kind();

  /** The class the YAML block binds to. */
  Class<C> configType();

  /** One line saying what the component does, shown in listings and "did you mean" errors. */
  default String description() {
    return "";
  }
}
