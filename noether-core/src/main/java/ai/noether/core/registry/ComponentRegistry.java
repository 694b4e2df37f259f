package ai.noether.core.registry;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointStores;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.cli.CommandProvider;
import ai.noether.api.metric.MetricProvider;
import ai.noether.core.config.BlockCheck;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.config.ConfigErrors;
import ai.noether.core.config.RunConfig;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every component factory on the classpath, by category and kind, and the one place where YAML
 * blocks become components.
 *
 * <p><b>Discovery.</b> {@link #load} reads the {@code
 * META-INF/services/ai.noether.api.spi.<FactoryInterface>} files of the class path ({@link
 * java.util.ServiceLoader}'s files, format and order; see {@link ServicesFiles} for why it reads
 * them itself), loads the listed classes without instantiating them, and creates each factory
 * through the process injector, which it builds from the {@link ai.noether.inject.NoetherModule}s
 * listed in the class path's services files and the modules passed to {@code load} ({@link
 * ExtensionModules}); so a factory may have an {@code @Inject} constructor or a public no-argument
 * one. The first provider of a kind on the class path wins; a later one with the same kind is
 * ignored with a warning naming both jars ({@link #ignored()}). Where each registration came from
 * is logged at debug level. Discovery and the lookup of kinds live in {@link FactoryCatalog}.
 *
 * <p><b>Kinds.</b> A block's {@code kind} is a registered short name, or the fully qualified class
 * name of a factory of the right category (loaded from the classpath, no services file needed). An
 * unknown kind fails with the block's path, the known kinds with their descriptions, the nearest
 * one, and how plugins add kinds.
 *
 * <p><b>Creation.</b> {@link #create(ComponentCategory, ComponentBlock, Object, RunContext)}, one
 * method for every category (typed by {@link ComponentCategory}), resolves the kind, binds the
 * block to the factory's config type ({@link ConfigBinder}) and calls the factory with a {@link
 * RunContext} whose path is the block's. The first creation in a run makes the run's injector, a
 * child of the process injector with the modules' run modules ({@link
 * ai.noether.core.inject.RunInjector}); a component the factory creates with {@link
 * RunContext#inject} gets the run's services, the bound config and the context injected. An {@link
 * IllegalArgumentException} from the factory becomes a {@link ConfigException} naming the block.
 * {@link #validate} does the resolving and binding for a whole run without creating anything.
 *
 * <p>One registry serves one run; it is safe to read from several threads.
 */
public final class ComponentRegistry {
  /**
   * The process injector: the factories' and, as the parent of each run's injector, the
   * components'.
   */
  private final Injector injector;

  private final List<Module> runModules;
  private final FactoryCatalog catalog;
  private final ClassLoader classLoader;

  private ComponentRegistry(
      Injector injector, List<Module> runModules, FactoryCatalog catalog, ClassLoader classLoader) {
    this.injector = injector;
    this.runModules = runModules;
    this.catalog = catalog;
    this.classLoader = classLoader;
  }

  /** Loads the factories visible to the thread's context class loader. */
  public static ComponentRegistry load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : ComponentRegistry.class.getClassLoader());
  }

  /**
   * Loads the factories visible to {@code classLoader}.
   *
   * @param modules Guice modules with the bindings factories may {@code @Inject}, in addition to
   *     the {@link ai.noether.inject.NoetherModule}s the class path lists ({@link
   *     ExtensionModules}); possibly none
   * @throws NoetherException if a services file names a class that cannot be loaded or a factory
   *     that cannot be created, naming the class and its jar
   */
  public static ComponentRegistry load(ClassLoader classLoader, Module... modules) {
    ExtensionModules extensions = ExtensionModules.discover(classLoader, modules);
    Injector injector = extensions.createInjector();
    return new ComponentRegistry(
        injector, extensions.run(), FactoryCatalog.discover(classLoader, injector), classLoader);
  }

  /**
   * New instances of the {@link CommandProvider}s listed in the class path's {@code
   * META-INF/services/ai.noether.api.cli.CommandProvider} files, in class-path order, created by
   * the process injector: a provider's {@code @Inject} constructor may ask for what the Guice
   * modules bind (such as the api's {@code HistoryReader} and {@code RunListing}); a provider
   * without one needs a public no-argument constructor.
   *
   * @throws NoetherException naming the provider class and its jar when one cannot be loaded or
   *     created
   */
  public List<CommandProvider> commandProviders() {
    return CommandProviders.create(classLoader, injector);
  }

  /** The registered factories of a category, sorted by kind. Never null, possibly empty. */
  public List<Registration> registrations(ComponentCategory<?, ?> category) {
    return catalog.registrations(category);
  }

  /** Providers whose kind an earlier provider already had, in discovery order. */
  public List<Registration> ignored() {
    return catalog.ignored();
  }

  /**
   * The factory a block names: a registered kind, or a factory class name.
   *
   * @throws ConfigException naming the block's path, the known kinds and the nearest one
   */
  public Registration resolve(ComponentCategory<?, ?> category, ComponentBlock block) {
    return catalog.resolve(category, block);
  }

  /**
   * Binds a block to its factory's config type.
   *
   * @return the config (null for factories whose config type is {@link Void})
   * @throws ConfigException for an unknown kind or key, a wrong type or a missing value
   */
  public Object bind(ComponentCategory<?, ?> category, ComponentBlock block) {
    Registration registration = resolve(category, block);
    return ConfigBinder.bind(
        block, registration.factory().configType(), describe(registration, block));
  }

  /**
   * Resolves and binds every component block of a run without creating anything, so that a
   * configuration can be checked completely before training starts.
   *
   * @throws ConfigException for a block that does not bind; when several do not, one exception that
   *     lists every block's problem, in configuration order
   */
  public void validate(RunConfig config) {
    ConfigErrors problems = new ConfigErrors();
    tryBind(ComponentCategory.STORE, config.store(), problems);
    try {
      requireServes(config.store(), config.output());
    } catch (ConfigException e) {
      if (problems.isEmpty()) {
        problems.add(e);
      }
    }
    tryBind(ComponentCategory.DATASET, config.dataset(), problems);
    tryBind(ComponentCategory.MODEL, config.model().block(), problems);
    config.model().initializers().forEach(b -> tryBind(ComponentCategory.INITIALIZER, b, problems));
    tryBind(ComponentCategory.OPTIMIZER, config.optimizer().block(), problems);
    config
        .optimizer()
        .optSchedule()
        .ifPresent(b -> tryBind(ComponentCategory.SCHEDULE, b, problems));
    tryBind(ComponentCategory.TRAINING_STEP, config.trainer().step(), problems);
    config.trainer().callbacks().forEach(b -> tryBind(ComponentCategory.CALLBACK, b, problems));
    config.trainer().loggers().forEach(b -> tryBind(ComponentCategory.LOGGER, b, problems));
    problems.throwIfAny();
  }

  /**
   * The check a {@link ai.noether.core.config.RunConfigLoader} runs on each block it reads: resolve
   * the kind and bind the settings, as {@link #validate} does.
   */
  public BlockCheck blockCheck() {
    return (role, block) -> {
      for (ComponentCategory<?, ?> category : ComponentCategory.values()) {
        if (category.noun().equals(role)) {
          bind(category, block);
          return;
        }
      }
      throw new IllegalArgumentException("no component category '" + role + "'");
    };
  }

  private void tryBind(
      ComponentCategory<?, ?> category, ComponentBlock block, ConfigErrors problems) {
    problems.run(() -> bind(category, block));
  }

  /**
   * Creates the store for a location outside a run (the {@code runs}, {@code verify}, {@code plot}
   * commands given {@code --output-dir}): the factory serving its scheme, with its default config.
   */
  public CheckpointStore createStore(StoreLocation location) {
    Registration registration =
        StoreSchemes.forScheme(registrations(ComponentCategory.STORE), location.scheme())
            .orElseThrow(
                () ->
                    new ConfigException(
                        StoreSchemes.unknownScheme(
                            registrations(ComponentCategory.STORE), location.scheme(), location)));
    return create(
        ComponentCategory.STORE,
        ComponentBlock.of("store", registration.kind(), Map.of()),
        location,
        new RunContext());
  }

  /** Fails unless the store the block names serves the location's scheme. */
  public void requireServes(ComponentBlock block, StoreLocation location) {
    Registration registration = resolve(ComponentCategory.STORE, block);
    if (!StoreSchemes.schemes(registration).contains(location.scheme())) {
      throw block.kindError(
          "store '"
              + block.kind()
              + "' serves "
              + StoreSchemes.schemes(registration).stream().sorted().map(x -> x + ":").toList()
              + " locations, but output_dir is "
              + location
              + ". Remove the kind "
              + "to let output_dir's scheme choose the store, or set output_dir to a location it serves. Known schemes: "
              + StoreSchemes.describe(registrations(ComponentCategory.STORE))
              + ".");
    }
  }

  /**
   * This registry as the api's {@link MetricProvider}: an entry is a kind name or a mapping with
   * {@code kind:}; a context that is not a run's gets an empty {@link RunContext} at its path.
   */
  public MetricProvider metricProvider() {
    return (path, entry, context) ->
        create(
            ComponentCategory.METRIC,
            metricBlock(path, entry),
            context instanceof RunContext run ? run : new RunContext());
  }

  @SuppressWarnings("unchecked")
  private static ComponentBlock metricBlock(String path, Object entry) {
    if (entry instanceof String kind && !kind.isBlank()) {
      return ComponentBlock.of(path, kind, Map.of());
    }
    if (entry instanceof Map<?, ?> map && map.get("kind") instanceof String kind) {
      Map<String, Object> settings = new LinkedHashMap<>((Map<String, Object>) map);
      settings.remove("kind");
      return ComponentBlock.of(path, kind, settings);
    }
    throw new IllegalArgumentException(
        path
            + ": a metric is a kind name (e.g. rmse) or a block with kind:"
            + " (e.g. {kind: f1}), got "
            + entry);
  }

  /**
   * Creates a component of a category whose factories need nothing besides their config and context
   * (callbacks, loggers, metrics, schedules, initializers).
   *
   * @see #create(ComponentCategory, ComponentBlock, Object, RunContext)
   */
  // The inputs of a ComponentCategory<T, Void> are Void, whose only value is null (NullAway cannot
  // see that).
  @SuppressWarnings("NullAway")
  public <T> T create(
      ComponentCategory<T, Void> category, ComponentBlock block, RunContext context) {
    return create(category, block, null, context);
  }

  /**
   * Resolves, binds and creates a component of any category. A store's block must serve the
   * location's scheme ({@link StoreSchemes}).
   *
   * @param inputs what the category's factories need besides config and context: the store's
   *     location, the dataset's seed, the model's name, the optimizer's model, the training step's
   *     model and data ({@link ComponentCategory})
   * @throws ConfigException if the block does not bind, a store does not serve the location
   *     (listing the schemes that are served and which module adds more), or the factory rejects
   *     the block with an {@link IllegalArgumentException}; each names the block
   */
  public <T, I> T create(
      ComponentCategory<T, I> category, ComponentBlock block, I inputs, RunContext context) {
    if (category == ComponentCategory.STORE) {
      requireServes(block, (StoreLocation) inputs);
    }
    Registration registration = resolve(category, block);
    Object config =
        ConfigBinder.bind(
            block, registration.factory().configType(), describe(registration, block));
    if (context.find(CheckpointStores.class).isEmpty()) {
      // Components that read another run's output_dir open its store by scheme, through this
      // registry.
      context.put(CheckpointStores.class, this::createStore);
    }
    // The run's injector is a child of this registry's: a component created there sees the bindings
    // of
    // every Guice module of the class path, and of their run modules.
    context.injector().attach(injector, runModules);
    T component;
    try {
      component =
          category.invoke(
              registration.factory(),
              config,
              inputs,
              context.forBlock(block.path(), registration.factory().configType(), config));
    } catch (IllegalArgumentException e) {
      throw block.error(String.valueOf(e.getMessage()));
    }
    if (component == null) {
      throw new NoetherException(
          registration.className()
              + " ("
              + registration.source()
              + ") returned no "
              + category.noun()
              + " for "
              + block.path());
    }
    return component;
  }

  private static String describe(Registration registration, ComponentBlock block) {
    return registration.category().noun() + " '" + block.kind() + "'";
  }
}
