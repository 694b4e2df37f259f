package ai.noether.core.inject;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CheckpointStore;
import ai.noether.api.checkpoint.CheckpointStores;
import ai.noether.api.data.DataSource;
import ai.noether.api.model.Model;
import ai.noether.api.optim.Optimizer;
import ai.noether.api.run.RunInfo;
import ai.noether.api.spi.ComponentContext;
import ai.noether.core.config.RunConfig;
import com.google.inject.Binder;
import com.google.inject.Binding;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The injector of one run: a child of the process injector (the one that created the factories)
 * that holds the run's services, and from which components are created with their {@code @Inject}
 * constructors.
 *
 * <p>A run gains its services one after another while it is assembled (its facts and configuration
 * first, then the store, the data, the model, the optimizer). The services every run has are bound
 * when the run injector is created, to the value {@link #put} gives them later; asking for one
 * before that fails naming it. This is what lets a run module ({@code NoetherModule.runModule()})
 * provide a service that depends on, say, the checkpoint store. A service of any other type gets a
 * child injector of its own when it is put, so every type keeps a binding.
 *
 * <p>Components are created in a further child per block, which adds the block's config (by its
 * config type) and its {@link ComponentContext}. Those children are never reused.
 *
 * <p>Not thread-safe: a run is assembled on one thread.
 */
public final class RunInjector {
  /** The services every run may have, bound from the start of the run injector. */
  static final List<Class<?>> RUN_SERVICES =
      List.of(
          RunInfo.class,
          RunConfig.class,
          CheckpointStore.class,
          CheckpointStores.class,
          DataSource.class,
          Model.class,
          Optimizer.class);

  /**
   * Everything put, in the order it was put: what the run has, for listings and lookups by
   * supertype.
   */
  private final Map<Class<?>, Object> put = new LinkedHashMap<>();

  // Both null until attach.
  @Nullable private Injector parent;
  @Nullable private Injector injector;

  /**
   * Adds a service under {@code type}.
   *
   * @throws IllegalStateException if the run already has a service of that type
   */
  public <T> void put(Class<T> type, T service) {
    if (!type.isInstance(service)) {
      throw new IllegalArgumentException(service + " is not a " + type.getName());
    }
    if (put.putIfAbsent(type, service) != null) {
      throw new IllegalStateException("this run already has a " + type.getName());
    }
    if (injector != null && !RUN_SERVICES.contains(type)) {
      try {
        injector = injector.createChildInjector(binder -> bindInstance(binder, type, service));
      } catch (CreationException e) {
        put.remove(type);
        throw new IllegalStateException(
            "cannot add a "
                + type.getName()
                + " to the run: "
                + GuiceMessages.of(e.getErrorMessages())
                + " (a Guice module of the class path binds that type already)",
            e);
      }
    }
  }

  /** Whether the run injector was created (under {@code processInjector}). */
  public boolean isAttachedTo(Injector processInjector) {
    return injector != null && parent == processInjector;
  }

  /**
   * Creates the run injector as a child of {@code processInjector}, with the run modules; a run
   * used with a second process injector (a test with two registries) gets a new run injector under
   * it.
   *
   * @throws NoetherException with Guice's message when the run modules' bindings fail
   */
  public void attach(Injector processInjector, List<Module> runModules) {
    if (isAttachedTo(processInjector)) {
      return;
    }
    List<Module> modules = new ArrayList<>(runModules);
    modules.add(this::bindRunServices);
    try {
      injector = processInjector.createChildInjector(modules);
    } catch (CreationException e) {
      throw new NoetherException(
          "cannot create the injector of the run: "
              + GuiceMessages.of(e.getErrorMessages())
              + "; a run module may depend on the run's services ("
              + names(RUN_SERVICES)
              + ") and on what the Guice"
              + " modules bind, and must not bind what another module or the run binds",
          e);
    }
    parent = processInjector;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void bindRunServices(Binder binder) {
    for (Class<?> type : RUN_SERVICES) {
      binder.bind((Class) type).toProvider(new RunServiceProvider(type));
    }
    for (Map.Entry<Class<?>, Object> e : put.entrySet()) {
      if (!RUN_SERVICES.contains(e.getKey())) {
        bindInstance(binder, (Class) e.getKey(), e.getValue());
      }
    }
  }

  /** Provides a run service from what was put, failing with a clear message while it is missing. */
  private final class RunServiceProvider implements com.google.inject.Provider<Object> {
    private final Class<?> type;

    RunServiceProvider(Class<?> type) {
      this.type = type;
    }

    @Override
    public Object get() {
      Object service = put.get(type);
      if (service == null) {
        throw new IllegalStateException(missing(type));
      }
      return service;
    }
  }

  /**
   * The service of {@code type}: the one put under that type, else what the injectors bind to it (a
   * run module's or a process module's binding), else the first one put that is an instance of it.
   */
  public <T> Optional<T> find(Class<T> type) {
    Object exact = put.get(type);
    if (exact != null) {
      return Optional.of(type.cast(exact));
    }
    if (injector != null && !RUN_SERVICES.contains(type)) {
      Binding<T> binding = injector.getExistingBinding(Key.get(type));
      if (binding != null) {
        try {
          return Optional.ofNullable(binding.getProvider().get());
        } catch (ProvisionException e) {
          // A provided service whose own dependencies are not there yet: the run does not have it
          // (yet).
          return Optional.empty();
        }
      }
    }
    return put.values().stream().filter(type::isInstance).findFirst().map(type::cast);
  }

  /**
   * Creates {@code type} in a child of the run injector that also binds the block's config (under
   * {@code configType}, unless it is null, {@link Void} or a JDK type) and its context.
   *
   * @throws IllegalStateException naming the class, the path and the dependency the run cannot
   *     provide (yet)
   * @throws IllegalArgumentException what the constructor threw as such (a configuration problem)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> T create(
      Class<T> type,
      @Nullable Class<?> configType,
      @Nullable Object config,
      ComponentContext context) {
    Injector run = injector;
    if (run == null) {
      // A context made by hand (a test) and never passed to a registry: only its own services.
      attach(Guice.createInjector(), List.of());
      run = Objects.requireNonNull(injector, "attach sets the run injector");
    }
    Injector block;
    try {
      block =
          run.createChildInjector(
              binder -> {
                if (config != null
                    && configType != null
                    && configType != Void.class
                    && !configType.getName().startsWith("java.")) {
                  bindInstance(binder, (Class) configType, config);
                }
                binder.bind(ComponentContext.class).toInstance(context);
              });
      return block.getInstance(type);
    } catch (ConfigurationException | CreationException e) {
      Iterable<Message> messages =
          e instanceof ConfigurationException c
              ? c.getErrorMessages()
              : ((CreationException) e).getErrorMessages();
      throw new IllegalStateException(
          prefix(context)
              + "cannot create "
              + type.getName()
              + ": "
              + GuiceMessages.of(messages)
              + ". Its @Inject constructor may take the block's config, ComponentContext, the run's services built so far ("
              + String.join(", ", put.keySet().stream().map(Class::getSimpleName).toList())
              + ") and what the Guice modules"
              + " bind; a class without an @Inject constructor needs a public no-argument one",
          e);
    } catch (ProvisionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalStateException && e.getErrorMessages().size() == 1) {
        // A run service asked for before it was built.
        throw new IllegalStateException(
            prefix(context) + "cannot create " + type.getName() + ": " + cause.getMessage(), e);
      }
      if (cause instanceof RuntimeException runtime && e.getErrorMessages().size() == 1) {
        // What the constructor threw, unchanged: an IllegalArgumentException is a configuration
        // problem.
        throw runtime;
      }
      throw new IllegalStateException(
          prefix(context)
              + "cannot create "
              + type.getName()
              + ": "
              + GuiceMessages.of(e.getErrorMessages()),
          e);
    }
  }

  /** The types put so far, by simple name, in the order they were put. */
  public String describe() {
    return put.keySet().stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
  }

  private String missing(Class<?> type) {
    return "this run has no "
        + type.getName()
        + " (yet); it has "
        + describe()
        + " (a run builds its store, data, model, optimizer, schedule, training step, callbacks and loggers in that"
        + " order, and each sees what was built before it)";
  }

  private static <T> void bindInstance(Binder binder, Class<T> type, Object service) {
    binder.bind(type).toInstance(type.cast(service));
  }

  private static String prefix(ComponentContext context) {
    return context.path().isEmpty() ? "" : context.path() + ": ";
  }

  private static String names(List<Class<?>> types) {
    return types.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
  }
}
