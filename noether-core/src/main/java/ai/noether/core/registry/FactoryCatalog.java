package ai.noether.core.registry;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.spi.ComponentFactory;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.Suggestions;
import com.google.inject.Injector;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factories of the class path by category and kind, and the lookup of the factory a block's
 * {@code kind} names: discovery from the services files, the first provider of a kind winning, a
 * factory named by its class name, and the error for an unknown kind. {@link ComponentRegistry}
 * binds and creates with what this finds.
 *
 * <p>Safe to read from several threads once built.
 */
final class FactoryCatalog {
  // Logged under the registry's name, as before the split: log configurations name it.
  private static final Logger LOG = LoggerFactory.getLogger(ComponentRegistry.class);

  private final ClassLoader classLoader;

  /** The process injector, which creates the factories. */
  private final Injector injector;

  private final Map<ComponentCategory<?, ?>, Map<String, Registration>> byKind =
      new LinkedHashMap<>();
  private final List<Registration> ignored = new ArrayList<>();
  private final Map<String, Registration> byClassName = new ConcurrentHashMap<>();

  private FactoryCatalog(ClassLoader classLoader, Injector injector) {
    this.classLoader = classLoader;
    this.injector = injector;
  }

  /** The kinds of {@code category}: discover registered every category. */
  private Map<String, Registration> kinds(ComponentCategory<?, ?> category) {
    return Objects.requireNonNull(byKind.get(category), category.noun());
  }

  /**
   * Reads the services files of every category and creates the listed factories through {@code
   * injector}.
   */
  static FactoryCatalog discover(ClassLoader classLoader, Injector injector) {
    FactoryCatalog catalog = new FactoryCatalog(classLoader, injector);
    for (ComponentCategory<?, ?> category : ComponentCategory.values()) {
      catalog.discover(category);
    }
    return catalog;
  }

  private void discover(ComponentCategory<?, ?> category) {
    Map<String, Registration> kinds = new LinkedHashMap<>();
    byKind.put(category, kinds);
    List<ServicesFiles.Listed> listedClasses =
        new ArrayList<>(ServicesFiles.read(classLoader, category.factoryType()));
    // Components that declare their kind (@Kind) are listed under their own interface, without a
    // factory.
    listedClasses.addAll(
        ServicesFiles.read(classLoader, DeclaredComponents.componentType(category)));
    for (ServicesFiles.Listed listed : listedClasses) {
      Class<?> type = listed.type();
      String source = listed.source();
      ComponentFactory<?> factory =
          category.factoryType().isAssignableFrom(type)
              ? instantiate(type, category, source)
              : DeclaredComponents.factoryFor(category, type, null, source);
      String kind = factory.kind();
      if (kind == null || kind.isBlank() || kind.contains(".")) {
        throw new NoetherException(
            type.getName()
                + " ("
                + source
                + ") declares the kind '"
                + kind
                + "'; a kind is a non-empty name without '.' (dots mark class names)");
      }
      Registration registration = new Registration(kind, category, factory, source);
      Registration first = kinds.putIfAbsent(kind, registration);
      if (first != null) {
        LOG.warn(
            "{} kind '{}' is provided by {} ({}) and by {} ({}); using the first, ignoring {}",
            category.noun(),
            kind,
            first.className(),
            first.source(),
            type.getName(),
            source,
            type.getName());
        ignored.add(registration);
      } else {
        LOG.debug(
            "registered {} kind '{}': {} listed in {}",
            category.noun(),
            kind,
            type.getName(),
            listed.servicesFile());
      }
    }
  }

  private ComponentFactory<?> instantiate(
      Class<?> type, ComponentCategory<?, ?> category, String source) {
    try {
      return (ComponentFactory<?>) injector.getInstance(type);
    } catch (RuntimeException | LinkageError e) {
      throw new NoetherException(
          "cannot create the "
              + category.noun()
              + " factory "
              + type.getName()
              + " from "
              + source
              + ": "
              + firstLine(e.getMessage())
              + "; a factory needs a public no-argument constructor or an"
              + " @Inject constructor whose parameters Guice can provide",
          e);
    }
  }

  /** The registered factories of a category, sorted by kind. Never null, possibly empty. */
  List<Registration> registrations(ComponentCategory<?, ?> category) {
    return kinds(category).values().stream()
        .sorted(Comparator.comparing(Registration::kind))
        .toList();
  }

  /** Providers whose kind an earlier provider already had, in discovery order. */
  List<Registration> ignored() {
    return List.copyOf(ignored);
  }

  /**
   * The factory a block names: a registered kind, or a factory class name.
   *
   * @throws ConfigException naming the block's path, the known kinds and the nearest one
   */
  Registration resolve(ComponentCategory<?, ?> category, ComponentBlock block) {
    Registration registered = kinds(category).get(block.kind());
    if (registered != null) {
      return registered;
    }
    if (category == ComponentCategory.STORE && !block.kind().contains(".")) {
      // A store block without a kind of its own carries the scheme of output_dir as its kind.
      Optional<Registration> byScheme =
          StoreSchemes.forScheme(registrations(category), block.kind());
      if (byScheme.isPresent()) {
        return byScheme.get();
      }
      if (StoreSchemes.MODULES.containsKey(block.kind())) {
        throw block.kindError(
            StoreSchemes.unknownScheme(registrations(category), block.kind(), null));
      }
    }
    if (block.kind().contains(".")) {
      return byClassName.computeIfAbsent(
          category.name() + ":" + block.kind(), k -> loadByClassName(category, block));
    }
    throw unknownKind(
        category,
        block,
        "unknown "
            + category.noun()
            + " kind '"
            + block.kind()
            + "'."
            + Suggestions.didYouMean(block.kind(), kinds(category).keySet()));
  }

  private Registration loadByClassName(ComponentCategory<?, ?> category, ComponentBlock block) {
    Class<?> type = loadClass(block.kind());
    if (type == null) {
      throw unknownKind(
          category,
          block,
          "unknown "
              + category.noun()
              + " kind '"
              + block.kind()
              + "': no class of that name is on the classpath.");
    }
    for (Registration r : kinds(category).values()) {
      if (r.factory().getClass() == type) {
        return r;
      }
    }
    String factoryName = category.factoryType().getSimpleName();
    if (!category.factoryType().isAssignableFrom(type)
        && DeclaredComponents.componentType(category).isAssignableFrom(type)
        && !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())) {
      // A component class named by its class name: its factory is built from its constructor.
      String source = sourceOf(type);
      ComponentFactory<?> factory =
          DeclaredComponents.factoryFor(
              category,
              type,
              type.isAnnotationPresent(ai.noether.api.spi.Kind.class) ? null : block.kind(),
              source);
      LOG.debug(
          "built the {} factory of {} from its constructor ({})",
          category.noun(),
          type.getName(),
          location(type));
      return new Registration(factory.kind(), category, factory, source);
    }
    if (!category.factoryType().isAssignableFrom(type)) {
      throw block.kindError(
          "kind '"
              + block.kind()
              + "' names a class that is not "
              + article(factoryName)
              + factoryName
              + "; a kind given as a class name must name a factory class (implementing "
              + category.factoryType().getName()
              + "), or use a registered kind; 'noether kinds' lists them");
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw block.kindError(
          "kind '" + block.kind() + "' names an abstract class; name a concrete " + factoryName);
    }
    String source = sourceOf(type);
    ComponentFactory<?> factory = instantiate(type, category, source);
    LOG.debug(
        "loaded {} factory {} by class name from {}",
        category.noun(),
        type.getName(),
        location(type));
    return new Registration(factory.kind(), category, factory, source);
  }

  /**
   * The class, trying nested-class names too ({@code a.b.Outer.Inner} is {@code a.b.Outer$Inner}).
   */
  @Nullable
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

  private ConfigException unknownKind(
      ComponentCategory<?, ?> category, ComponentBlock block, String problem) {
    List<Registration> known = registrations(category);
    StringBuilder sb = new StringBuilder(problem);
    if (known.isEmpty()) {
      sb.append(" No ")
          .append(category.noun())
          .append(" kinds are registered; ")
          .append(category.standardModule())
          .append(" provides the standard ones.");
    } else {
      sb.append(" Known ").append(category.noun()).append(" kinds:");
      int width = known.stream().mapToInt(r -> r.kind().length()).max().orElse(0);
      for (Registration r : known) {
        sb.append("\n  ")
            .append(pad(r.kind(), width))
            .append("  ")
            .append(r.description().isEmpty() ? "(no description)" : r.description())
            .append("  [")
            .append(r.source())
            .append(']');
      }
    }
    String factoryName = category.factoryType().getSimpleName();
    sb.append("\nA kind is a registered name or the fully qualified class name of ")
        .append(article(factoryName))
        .append(factoryName)
        .append(
            ". Plugins add kinds with a jar on the classpath that lists its factory classes in ")
        .append(category.servicesFile())
        .append('.');
    return block.kindError(sb.toString());
  }

  private static String article(String noun) {
    return "AEIOUaeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ";
  }

  /** The jar file name, or the class directory, a class was loaded from. */
  static String sourceOf(Class<?> type) {
    URL url = location(type);
    if (url == null) {
      return "unknown location";
    }
    String path = url.getPath();
    // A jar by its file name; a class directory (in a build tree) by its whole path.
    return path.endsWith("/")
        ? path.substring(0, path.length() - 1)
        : path.substring(path.lastIndexOf('/') + 1);
  }

  @Nullable
  private static URL location(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    return cs == null ? null : cs.getLocation();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "no message";
    }
    String trimmed = s.strip();
    int nl = trimmed.indexOf('\n');
    return nl < 0 ? trimmed : trimmed.substring(0, nl);
  }
}
