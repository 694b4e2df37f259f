package ai.noether.core.registry;

import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import ai.noether.api.spi.ComponentFactory;
import ai.noether.api.spi.Kind;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Factories for component classes that declare their kind with {@link Kind} instead of coming with
 * a factory class: the factory implements the category's factory interface, binds the YAML block to
 * the type of the constructor's config parameter and passes the factory method's other arguments to
 * the constructor parameters of their types.
 */
final class DeclaredComponents {
  private DeclaredComponents() {}

  /** Implemented by the factories this class builds, so listings can name the component class. */
  interface Declared {
    /** The component class the factory creates. */
    Class<?> componentClass();
  }

  /** The interface a category's factories create instances of ({@code Metric} for metrics). */
  static Class<?> componentType(ComponentCategory<?, ?> category) {
    return createMethod(category).getReturnType();
  }

  private static Method createMethod(ComponentCategory<?, ?> category) {
    for (Method m : category.factoryType().getMethods()) {
      if (m.getName().equals("create") && Modifier.isAbstract(m.getModifiers())) {
        return m;
      }
    }
    throw new IllegalStateException(category.factoryType() + " has no create method");
  }

  /**
   * A factory for {@code type}.
   *
   * @param kind the kind to register it under; null for the {@link Kind} annotation's
   * @throws NoetherException naming the class when it is abstract, has no usable public
   *     constructor, or no kind
   */
  static ComponentFactory<?> factoryFor(
      ComponentCategory<?, ?> category, Class<?> type, @Nullable String kind, String source) {
    Kind declared = type.getAnnotation(Kind.class);
    String name = kind != null ? kind : declared == null ? null : declared.value();
    String component = componentType(category).getSimpleName();
    if (name == null) {
      throw new NoetherException(
          type.getName()
              + " ("
              + source
              + ") is listed as a "
              + category.noun()
              + " but declares"
              + " no kind; annotate it with @"
              + Kind.class.getName()
              + "(\"<kind>\")");
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new NoetherException(
          type.getName()
              + " ("
              + source
              + ") is abstract; a "
              + category.noun()
              + " kind needs a"
              + " concrete "
              + component);
    }
    Method create = createMethod(category);
    Class<?>[] arguments = create.getParameterTypes();
    int configPosition = -1;
    for (int i = 0; i < arguments.length; i++) {
      if (create.getGenericParameterTypes()[i] instanceof TypeVariable<?>) {
        configPosition = i;
      }
    }
    Plan plan = plan(type, arguments, configPosition, category, source);
    String description = declared == null ? "" : declared.description();
    Class<?> factoryType = category.factoryType();
    InvocationHandler handler =
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "kind":
              return name;
            case "configType":
              return plan.configType();
            case "description":
              return description;
            case "componentClass":
              return type;
            case "toString":
              return "factory of " + type.getName();
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            default:
              break;
          }
          if (method.equals(create)
              || (method.getName().equals("create") && method.getDeclaringClass() == factoryType)) {
            return plan.create(args);
          }
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          throw new UnsupportedOperationException(method.toString());
        };
    return (ComponentFactory<?>)
        Proxy.newProxyInstance(
            type.getClassLoader() != null
                ? type.getClassLoader()
                : DeclaredComponents.class.getClassLoader(),
            new Class<?>[] {factoryType, Declared.class},
            handler);
  }

  /**
   * How the constructor's parameters are filled from the factory method's arguments.
   *
   * @param sources per constructor parameter, the index of the factory method's argument
   */
  private record Plan(Constructor<?> constructor, int[] sources, Class<?> configType) {
    Object create(Object[] args) {
      Object[] values = new Object[sources.length];
      for (int i = 0; i < sources.length; i++) {
        values[i] = args[sources[i]];
      }
      try {
        return constructor.newInstance(values);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new NoetherException(
            "creating " + constructor.getDeclaringClass().getName() + " failed: " + e.getCause(),
            e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new NoetherException(
            "cannot create " + constructor.getDeclaringClass().getName() + ": " + e, e);
      }
    }
  }

  private static Plan plan(
      Class<?> type,
      Class<?>[] arguments,
      int configPosition,
      ComponentCategory<?, ?> category,
      String source) {
    Plan best = null;
    List<String> rejected = new ArrayList<>();
    for (Constructor<?> c : type.getConstructors()) {
      Class<?>[] params = c.getParameterTypes();
      int[] sources = new int[params.length];
      Class<?> configType = null;
      boolean usable = true;
      for (int i = 0; i < params.length && usable; i++) {
        int from = -1;
        for (int a = 0; a < arguments.length; a++) {
          if (a != configPosition
              && arguments[a] != Object.class
              && params[i].isAssignableFrom(arguments[a])) {
            from = a;
            break;
          }
        }
        if (from < 0 && configType == null && configPosition >= 0 && !params[i].isPrimitive()) {
          configType = params[i];
          from = configPosition;
        }
        usable = from >= 0;
        sources[i] = from;
      }
      if (!usable) {
        rejected.add(Arrays.toString(params));
        continue;
      }
      if (best == null || params.length > best.sources().length) {
        best = new Plan(c, sources, configType == null ? Void.class : configType);
      }
    }
    if (best == null) {
      List<String> supplied = new ArrayList<>();
      for (int a = 0; a < arguments.length; a++) {
        if (a != configPosition) {
          supplied.add(arguments[a].getSimpleName());
        }
      }
      throw new NoetherException(
          type.getName()
              + " ("
              + source
              + ") has no public constructor the framework can call"
              + " for a "
              + category.noun()
              + ": it takes at most one config parameter and any of "
              + supplied
              + (rejected.isEmpty()
                  ? "; it has no public constructor"
                  : "; found " + String.join(", ", rejected)));
    }
    return best;
  }
}
