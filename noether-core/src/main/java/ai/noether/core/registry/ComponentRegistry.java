package ai.noether.core.registry;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.callback.Callback;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.data.DataSource;
import ai.noether.api.init.Initializer;
import ai.noether.api.logger.MetricLogger;
import ai.noether.api.metric.Metric;
import ai.noether.api.metric.MetricProvider;
import ai.noether.api.model.Model;
import ai.noether.api.optim.LrSchedule;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.spi.CallbackFactory;
import ai.noether.api.spi.CheckpointStoreFactory;
import ai.noether.api.checkpoint.StoreLocation;
import ai.noether.api.checkpoint.CheckpointStores;
import ai.noether.api.spi.ComponentFactory;
import ai.noether.api.spi.DatasetFactory;
import ai.noether.api.spi.InitializerFactory;
import ai.noether.api.spi.LrScheduleFactory;
import ai.noether.api.spi.MetricFactory;
import ai.noether.api.spi.MetricLoggerFactory;
import ai.noether.api.spi.ModelFactory;
import ai.noether.api.spi.OptimizerFactory;
import ai.noether.api.spi.TrainingStepFactory;
import ai.noether.api.train.TrainingStep;
import ai.noether.core.config.BlockCheck;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigErrors;
import ai.noether.core.config.ConfigBinder;
import ai.noether.core.config.RunConfig;
import ai.noether.core.config.Suggestions;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every component factory on the classpath, by category and kind, and the one place where YAML
 * blocks become components.
 *
 * <p><b>Discovery.</b> {@link #load} reads the {@code META-INF/services/ai.noether.api.spi.<FactoryInterface>}
 * files of the class path ({@link java.util.ServiceLoader}'s files, format and order; see
 * {@link ServicesFiles} for why it reads them itself), loads the listed classes without
 * instantiating them, and creates each factory through the process injector, which it builds from
 * the {@link ai.noether.inject.NoetherModule}s listed in the class path's services files and the
 * modules passed to {@code load} ({@link ExtensionModules}); so a factory may have an
 * {@code @Inject} constructor or a public no-argument one. The first provider of a kind on the
 * class path wins; a later one with the same kind is ignored with a warning naming both jars ({@link #ignored()}). Where each registration
 * came from is logged at debug level.
 *
 * <p><b>Kinds.</b> A block's {@code kind} is a registered short name, or the fully qualified class
 * name of a factory of the right category (loaded from the classpath, no services file needed).
 * An unknown kind fails with the block's path, the known kinds with their descriptions, the
 * nearest one, and how plugins add kinds.
 *
 * <p><b>Creation.</b> {@code create*} resolve the kind, bind the block to the factory's config type
 * ({@link ConfigBinder}) and call the factory with a {@link RunContext} whose path is the block's.
 * The first creation in a run makes the run's injector, a child of the process injector with the
 * modules' run modules ({@link ai.noether.core.inject.RunInjector}); a component the factory creates
 * with {@link RunContext#inject} gets the run's services, the bound config and the context injected.
 * An {@link IllegalArgumentException} from the factory becomes a {@link ConfigException} naming
 * the block. {@link #validate} does the resolving and binding for a whole run without creating
 * anything.
 *
 * <p>One registry serves one run; it is safe to read from several threads.
 */
public final class ComponentRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ComponentRegistry.class);

  private final ClassLoader classLoader;
  /** The process injector: the factories' and, as the parent of each run's injector, the components'. */
  private final Injector injector;
  private final List<Module> runModules;
  private final Map<ComponentCategory, Map<String, Registration>> byKind = new EnumMap<>(ComponentCategory.class);
  private final List<Registration> ignored = new ArrayList<>();
  private final Map<String, Registration> byClassName = new ConcurrentHashMap<>();

  private ComponentRegistry(ClassLoader classLoader, Injector injector, List<Module> runModules) {
    this.classLoader = classLoader;
    this.injector = injector;
    this.runModules = runModules;
  }

  /** Loads the factories visible to the thread's context class loader. */
  public static ComponentRegistry load() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(loader != null ? loader : ComponentRegistry.class.getClassLoader());
  }

  /**
   * Loads the factories visible to {@code classLoader}.
   *
   * @param modules Guice modules with the bindings factories may {@code @Inject}, in addition to the
   *     {@link ai.noether.inject.NoetherModule}s the class path lists ({@link ExtensionModules});
   *     possibly none
   * @throws NoetherException if a services file names a class that cannot be loaded or a factory
   *     that cannot be created, naming the class and its jar
   */
  public static ComponentRegistry load(ClassLoader classLoader, Module... modules) {
    ExtensionModules extensions = ExtensionModules.discover(classLoader, modules);
    ComponentRegistry registry = new ComponentRegistry(classLoader, extensions.createInjector(), extensions.run());
    for (ComponentCategory category : ComponentCategory.values()) {
      registry.discover(category);
    }
    return registry;
  }

  private void discover(ComponentCategory category) {
    Map<String, Registration> kinds = new LinkedHashMap<>();
    byKind.put(category, kinds);
    List<ServicesFiles.Listed> listedClasses = new ArrayList<>(ServicesFiles.read(classLoader, category.factoryType()));
    // Components that declare their kind (@Kind) are listed under their own interface, without a factory.
    listedClasses.addAll(ServicesFiles.read(classLoader, DeclaredComponents.componentType(category)));
    for (ServicesFiles.Listed listed : listedClasses) {
      Class<?> type = listed.type();
      String source = listed.source();
      ComponentFactory<?> factory = category.factoryType().isAssignableFrom(type) ? instantiate(type, category, source)
          : DeclaredComponents.factoryFor(category, type, null, source);
      String kind = factory.kind();
      if (kind == null || kind.isBlank() || kind.contains(".")) {
        throw new NoetherException(type.getName() + " (" + source + ") declares the kind '" + kind
            + "'; a kind is a non-empty name without '.' (dots mark class names)");
      }
      Registration registration = new Registration(kind, category, factory, source);
      Registration first = kinds.putIfAbsent(kind, registration);
      if (first != null) {
        LOG.warn("{} kind '{}' is provided by {} ({}) and by {} ({}); using the first, ignoring {}",
            category.noun(), kind, first.className(), first.source(), type.getName(), source, type.getName());
        ignored.add(registration);
      } else {
        LOG.debug("registered {} kind '{}': {} listed in {}", category.noun(), kind, type.getName(), listed.servicesFile());
      }
    }
  }

  private ComponentFactory<?> instantiate(Class<?> type, ComponentCategory category, String source) {
    try {
      return (ComponentFactory<?>) injector.getInstance(type);
    } catch (RuntimeException | LinkageError e) {
      throw new NoetherException("cannot create the " + category.noun() + " factory " + type.getName() + " from "
          + source + ": " + firstLine(e.getMessage()) + "; a factory needs a public no-argument constructor or an"
          + " @Inject constructor whose parameters Guice can provide", e);
    }
  }

  /** The registered factories of a category, sorted by kind. Never null, possibly empty. */
  public List<Registration> registrations(ComponentCategory category) {
    return byKind.get(category).values().stream().sorted(Comparator.comparing(Registration::kind)).toList();
  }

  /** Providers whose kind an earlier provider already had, in discovery order. */
  public List<Registration> ignored() {
    return List.copyOf(ignored);
  }

  /**
   * The factory a block names: a registered kind, or a factory class name.
   *
   * @throws ConfigException naming the block's path, the known kinds and the nearest one
   */
  public Registration resolve(ComponentCategory category, ComponentBlock block) {
    Registration registered = byKind.get(category).get(block.kind());
    if (registered != null) {
      return registered;
    }
    if (category == ComponentCategory.STORE && !block.kind().contains(".")) {
      // A store block without a kind of its own carries the scheme of output_dir as its kind.
      Optional<Registration> byScheme = StoreSchemes.forScheme(registrations(category), block.kind());
      if (byScheme.isPresent()) {
        return byScheme.get();
      }
      if (StoreSchemes.MODULES.containsKey(block.kind())) {
        throw block.kindError(StoreSchemes.unknownScheme(registrations(category), block.kind(), null));
      }
    }
    if (block.kind().contains(".")) {
      return byClassName.computeIfAbsent(category.name() + ":" + block.kind(), k -> loadByClassName(category, block));
    }
    throw unknownKind(category, block, "unknown " + category.noun() + " kind '" + block.kind() + "'."
        + Suggestions.didYouMean(block.kind(), byKind.get(category).keySet()));
  }

  /**
   * Binds a block to its factory's config type.
   *
   * @return the config (null for factories whose config type is {@link Void})
   * @throws ConfigException for an unknown kind or key, a wrong type or a missing value
   */
  public Object bind(ComponentCategory category, ComponentBlock block) {
    Registration registration = resolve(category, block);
    return ConfigBinder.bind(block, registration.factory().configType(), describe(registration, block));
  }

  /**
   * Resolves and binds every component block of a run without creating anything, so that a
   * configuration can be checked completely before training starts.
   *
   * @throws ConfigException for a block that does not bind; when several do not, one exception
   *     that lists every block's problem, in configuration order
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
    config.optimizer().optSchedule().ifPresent(b -> tryBind(ComponentCategory.SCHEDULE, b, problems));
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
      for (ComponentCategory category : ComponentCategory.values()) {
        if (category.noun().equals(role)) {
          bind(category, block);
          return;
        }
      }
      throw new IllegalArgumentException("no component category '" + role + "'");
    };
  }

  private void tryBind(ComponentCategory category, ComponentBlock block, ConfigErrors problems) {
    problems.run(() -> bind(category, block));
  }

  /**
   * Creates the checkpoint store rooted at {@code location}. The block's kind must serve the
   * location's scheme ({@link StoreSchemes}).
   *
   * @throws ConfigException naming the block when its kind does not serve the scheme, or no store
   *     serves it (listing the schemes that are served and which module adds more)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public CheckpointStore createStore(ComponentBlock block, StoreLocation location, RunContext context) {
    requireServes(block, location);
    return create(ComponentCategory.STORE, block, context,
        (f, config, ctx) -> ((CheckpointStoreFactory) f).create(config, location, ctx));
  }

  /**
   * Creates the store for a location outside a run (the {@code runs}, {@code verify}, {@code plot}
   * commands given {@code --output-dir}): the factory serving its scheme, with its default config.
   */
  public CheckpointStore createStore(StoreLocation location) {
    Registration registration = StoreSchemes.forScheme(registrations(ComponentCategory.STORE), location.scheme())
        .orElseThrow(() -> new ConfigException(
            StoreSchemes.unknownScheme(registrations(ComponentCategory.STORE), location.scheme(), location)));
    return createStore(ComponentBlock.of("store", registration.kind(), java.util.Map.of()), location, new RunContext());
  }

  /** Fails unless the store the block names serves the location's scheme. */
  public void requireServes(ComponentBlock block, StoreLocation location) {
    Registration registration = resolve(ComponentCategory.STORE, block);
    if (!StoreSchemes.schemes(registration).contains(location.scheme())) {
      throw block.kindError("store '" + block.kind() + "' serves " + StoreSchemes.schemes(registration).stream()
          .sorted().map(x -> x + ":").toList() + " locations, but output_dir is " + location + ". Remove the kind "
          + "to let output_dir's scheme choose the store, or set output_dir to a location it serves. Known schemes: "
          + StoreSchemes.describe(registrations(ComponentCategory.STORE)) + ".");
    }
  }

  /** Creates the data source; deterministic for a config and seed. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public DataSource createDataset(ComponentBlock block, long seed, RunContext context) {
    return create(ComponentCategory.DATASET, block, context, (f, config, ctx) -> ((DatasetFactory) f).create(config, seed, ctx));
  }

  /** Creates a model named {@code name} with fresh weights. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Model createModel(String name, ComponentBlock block, RunContext context) {
    return create(ComponentCategory.MODEL, block, context, (f, config, ctx) -> ((ModelFactory) f).create(name, config, ctx));
  }

  /** Creates an initializer. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Initializer createInitializer(ComponentBlock block, RunContext context) {
    return create(ComponentCategory.INITIALIZER, block, context, (f, config, ctx) -> ((InitializerFactory) f).create(config, ctx));
  }

  /** Creates an optimizer for the trainable parameters of {@code model}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Optimizer createOptimizer(ComponentBlock block, Model model, RunContext context) {
    return create(ComponentCategory.OPTIMIZER, block, context,
        (f, config, ctx) -> ((OptimizerFactory) f).create(config, model, ctx));
  }

  /** Creates a learning-rate schedule. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public LrSchedule createSchedule(ComponentBlock block, RunContext context) {
    return create(ComponentCategory.SCHEDULE, block, context, (f, config, ctx) -> ((LrScheduleFactory) f).create(config, ctx));
  }

  /** Creates the training step named by {@code trainer.kind}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public TrainingStep createTrainingStep(ComponentBlock block, Model model, DataSource data, RunContext context) {
    return create(ComponentCategory.TRAINING_STEP, block, context,
        (f, config, ctx) -> ((TrainingStepFactory) f).create(config, model, data, ctx));
  }

  /**
   * Creates a metric (an entry of a training step's {@code metrics:}); a context that is not a run's
   * gets an empty {@link RunContext} at its path.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Metric createMetric(ComponentBlock block, ai.noether.api.spi.ComponentContext context) {
    RunContext run = context instanceof RunContext r ? r : new RunContext();
    return create(ComponentCategory.METRIC, block, run,
        (f, config, ctx) -> ((MetricFactory) f).create(config, ctx));
  }

  /** Creates a callback. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Callback createCallback(ComponentBlock block, RunContext context) {
    return create(ComponentCategory.CALLBACK, block, context, (f, config, ctx) -> ((CallbackFactory) f).create(config, ctx));
  }

  /** Creates an experiment logger. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public MetricLogger createLogger(ComponentBlock block, RunContext context) {
    return create(ComponentCategory.LOGGER, block, context, (f, config, ctx) -> ((MetricLoggerFactory) f).create(config, ctx));
  }

  /**
   * This registry as the api's {@link MetricProvider}: an entry is a kind name or a mapping with
   * {@code kind:}.
   */
  public MetricProvider metricProvider() {
    return (path, entry, context) -> createMetric(metricBlock(path, entry), context);
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
    throw new IllegalArgumentException(path + ": a metric is a kind name (e.g. rmse) or a block with kind:"
        + " (e.g. {kind: f1}), got " + entry);
  }

  /** Calls a factory with its bound config; how depends on the factory interface. */
  @FunctionalInterface
  public interface Creation<T> {
    T create(ComponentFactory<?> factory, Object config, RunContext context);
  }

  /**
   * Resolves, binds and creates a component of any category; the typed {@code create*} methods
   * call this.
   *
   * @throws ConfigException if the block does not bind, or the factory rejects it with an
   *     {@link IllegalArgumentException}
   */
  public <T> T create(ComponentCategory category, ComponentBlock block, RunContext context, Creation<T> creation) {
    Registration registration = resolve(category, block);
    Object config = ConfigBinder.bind(block, registration.factory().configType(), describe(registration, block));
    if (context.find(CheckpointStores.class).isEmpty()) {
      // Components that read another run's output_dir open its store by scheme, through this registry.
      context.put(CheckpointStores.class, this::createStore);
    }
    // The run's injector is a child of this registry's: a component created there sees the bindings of
    // every Guice module of the class path, and of their run modules.
    context.injector().attach(injector, runModules);
    T component;
    try {
      component = creation.create(registration.factory(), config,
          context.forBlock(block.path(), registration.factory().configType(), config));
    } catch (IllegalArgumentException e) {
      throw block.error(e.getMessage());
    }
    if (component == null) {
      throw new NoetherException(registration.className() + " (" + registration.source() + ") returned no "
          + category.noun() + " for " + block.path());
    }
    return component;
  }

  private Registration loadByClassName(ComponentCategory category, ComponentBlock block) {
    Class<?> type = loadClass(block.kind());
    if (type == null) {
      throw unknownKind(category, block, "unknown " + category.noun() + " kind '" + block.kind()
          + "': no class of that name is on the classpath.");
    }
    for (Registration r : byKind.get(category).values()) {
      if (r.factory().getClass() == type) {
        return r;
      }
    }
    String factoryName = category.factoryType().getSimpleName();
    if (!category.factoryType().isAssignableFrom(type) && DeclaredComponents.componentType(category).isAssignableFrom(type)
        && !type.isInterface() && !Modifier.isAbstract(type.getModifiers())) {
      // A component class named by its class name: its factory is built from its constructor.
      String source = sourceOf(type);
      ComponentFactory<?> factory = DeclaredComponents.factoryFor(category, type,
          type.isAnnotationPresent(ai.noether.api.spi.Kind.class) ? null : block.kind(), source);
      LOG.debug("built the {} factory of {} from its constructor ({})", category.noun(), type.getName(), location(type));
      return new Registration(factory.kind(), category, factory, source);
    }
    if (!category.factoryType().isAssignableFrom(type)) {
      throw block.kindError("kind '" + block.kind() + "' names a class that is not " + article(factoryName) + factoryName
          + "; a kind given as a class name must name a factory class (implementing "
          + category.factoryType().getName() + "), or use a registered kind; 'noether kinds' lists them");
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw block.kindError("kind '" + block.kind() + "' names an abstract class; name a concrete " + factoryName);
    }
    String source = sourceOf(type);
    ComponentFactory<?> factory = instantiate(type, category, source);
    LOG.debug("loaded {} factory {} by class name from {}", category.noun(), type.getName(), location(type));
    return new Registration(factory.kind(), category, factory, source);
  }

  /** The class, trying nested-class names too ({@code a.b.Outer.Inner} is {@code a.b.Outer$Inner}). */
  private Class<?> loadClass(String name) {
    String candidate = name;
    while (true) {
      try {
        return Class.forName(candidate, false, classLoader);
      } catch (ClassNotFoundException | LinkageError e) {
        int dot = candidate.lastIndexOf('.');
        if (dot < 0) {
          return null;
        }
        candidate = candidate.substring(0, dot) + "$" + candidate.substring(dot + 1);
      }
    }
  }

  private ConfigException unknownKind(ComponentCategory category, ComponentBlock block, String problem) {
    List<Registration> known = registrations(category);
    StringBuilder sb = new StringBuilder(problem);
    if (known.isEmpty()) {
      sb.append(" No ").append(category.noun()).append(" kinds are registered; ").append(category.standardModule())
          .append(" provides the standard ones.");
    } else {
      sb.append(" Known ").append(category.noun()).append(" kinds:");
      int width = known.stream().mapToInt(r -> r.kind().length()).max().orElse(0);
      for (Registration r : known) {
        sb.append("\n  ").append(pad(r.kind(), width)).append("  ")
            .append(r.description().isEmpty() ? "(no description)" : r.description())
            .append("  [").append(r.source()).append(']');
      }
    }
    String factoryName = category.factoryType().getSimpleName();
    sb.append("\nA kind is a registered name or the fully qualified class name of ").append(article(factoryName))
        .append(factoryName)
        .append(". Plugins add kinds with a jar on the classpath that lists its factory classes in ")
        .append(category.servicesFile()).append('.');
    return block.kindError(sb.toString());
  }

  private static String article(String noun) {
    return "AEIOUaeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
  }

  private static String describe(Registration registration, ComponentBlock block) {
    return registration.category().noun() + " '" + block.kind() + "'";
  }

  /** The jar file name, or the class directory, a class was loaded from. */
  static String sourceOf(Class<?> type) {
    URL url = location(type);
    if (url == null) {
      return "unknown location";
    }
    String path = url.getPath();
    // A jar by its file name; a class directory (in a build tree) by its whole path.
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path.substring(path.lastIndexOf('/') + 1);
  }

  private static URL location(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    return cs == null ? null : cs.getLocation();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl);
  }
}
