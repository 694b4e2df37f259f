package ai.noether.djl.model.block;

import ai.djl.nn.Block;
import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import ai.noether.api.spi.ConfigBinding;
import ai.noether.api.spi.FrameworkServices;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Finds how to make the block a {@link BlockModelConfig} names, without making it: the class, the
 * constructor, static method or {@link BlockFactory}, and the arguments converted to its parameter
 * types. So that {@code noether config} reports a wrong class or argument list before anything is
 * built.
 */
final class BlockConstruction {
  private static final ObjectMapper VALUES =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private BlockConstruction() {}

  /**
   * What makes a new block of {@code config}.
   *
   * @param path the model block's YAML path, for messages
   * @throws ConfigException naming the key, the value and what would be valid
   */
  static Supplier<Block> resolve(BlockModelConfig config, String path) {
    Class<?> type = load(config.blockClass(), path);
    if (BlockFactory.class.isAssignableFrom(type)) {
      return viaFactory(config, type, path);
    }
    if (!Block.class.isAssignableFrom(type)) {
      throw new ConfigException(
          path
              + ".block_class: "
              + type.getName()
              + " is neither a DJL Block (ai.djl.nn.Block) nor a"
              + " BlockFactory ("
              + BlockFactory.class.getName()
              + ")");
    }
    List<Executable> candidates = candidates(config, type, path);
    Object arguments = config.arguments();
    List<String> reasons = new ArrayList<>();
    for (Executable e : candidates) {
      Object[] values = convert(e, arguments, path, reasons);
      if (values != null) {
        return () -> invoke(e, values, config, path);
      }
    }
    String how =
        config.factoryMethod() == null
            ? "public constructors of " + type.getName()
            : "public static methods " + type.getName() + "." + config.factoryMethod();
    throw new ConfigException(
        path
            + ".arguments: "
            + describe(arguments)
            + " fit none of the "
            + how
            + ": "
            + (candidates.isEmpty()
                ? "there are none"
                : candidates.stream()
                    .map(BlockConstruction::signature)
                    .collect(Collectors.joining(", ")))
            + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")")
            + ". Give a list with one value per parameter, a mapping for a single record or Map parameter, or no arguments"
            + " for a constructor without parameters.");
  }

  private static Supplier<Block> viaFactory(BlockModelConfig config, Class<?> type, String path) {
    if (config.factoryMethod() != null) {
      throw new ConfigException(
          path
              + ".factory_method: "
              + type.getName()
              + " is a BlockFactory, whose newBlock makes the"
              + " block; leave factory_method out");
    }
    BlockFactory<?> factory;
    try {
      factory = (BlockFactory<?>) type.getConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new ConfigException(
          path
              + ".block_class: the BlockFactory "
              + type.getName()
              + " needs a public constructor without parameters");
    } catch (ReflectiveOperationException e) {
      throw new ConfigException(
          path + ".block_class: could not create " + type.getName() + ": " + cause(e), e);
    }
    Object arguments = config.arguments() == null ? Map.of() : config.arguments();
    if (!(arguments instanceof Map<?, ?> map)) {
      throw new ConfigException(
          path
              + ".arguments: a BlockFactory takes a mapping, bound to its argumentsType ("
              + factory.argumentsType().getName()
              + "); got "
              + describe(arguments));
    }
    Object bound = bind(map, factory.argumentsType(), path);
    @SuppressWarnings("unchecked")
    BlockFactory<Object> f = (BlockFactory<Object>) factory;
    return () -> {
      Block block;
      try {
        block = f.newBlock(bound);
      } catch (RuntimeException e) {
        throw new ConfigException(
            path + ": " + type.getName() + ".newBlock(" + bound + ") failed: " + e, e);
      }
      if (block == null) {
        throw new ConfigException(path + ": " + type.getName() + ".newBlock returned null");
      }
      return block;
    };
  }

  private static Class<?> load(String name, String path) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(
          name, true, loader != null ? loader : BlockConstruction.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigException(
          path
              + ".block_class: class '"
              + name
              + "' is not on the class path ("
              + e
              + "); put the jar that holds it on the class path (NOETHER_CLASSPATH for ./noether) and write its fully"
              + " qualified name",
          e);
    }
  }

  private static List<Executable> candidates(BlockModelConfig config, Class<?> type, String path) {
    List<Executable> out = new ArrayList<>();
    if (config.factoryMethod() != null) {
      for (Method m : type.getMethods()) {
        if (m.getName().equals(config.factoryMethod())
            && Modifier.isStatic(m.getModifiers())
            && Block.class.isAssignableFrom(m.getReturnType())) {
          out.add(m);
        }
      }
      if (out.isEmpty()) {
        throw new ConfigException(
            path
                + ".factory_method: "
                + type.getName()
                + " has no public static method '"
                + config.factoryMethod()
                + "' that returns a Block; its public static methods that do: "
                + Arrays.stream(type.getMethods())
                    .filter(
                        m ->
                            Modifier.isStatic(m.getModifiers())
                                && Block.class.isAssignableFrom(m.getReturnType()))
                    .map(BlockConstruction::signature)
                    .sorted()
                    .toList());
      }
      return out;
    }
    if (Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
      throw new ConfigException(
          path
              + ".block_class: "
              + type.getName()
              + " is abstract; name a concrete block, or a"
              + " factory_method that builds one");
    }
    out.addAll(Arrays.asList(type.getConstructors()));
    out.sort((a, b) -> Integer.compare(a.getParameterCount(), b.getParameterCount()));
    return out;
  }

  /**
   * The arguments converted for {@code e}, or null (with the reason added) when they do not fit it.
   */
  private static @Nullable Object[] convert(
      Executable e, @Nullable Object arguments, String path, List<String> reasons) {
    Type[] types = e.getGenericParameterTypes();
    if (arguments == null) {
      return types.length == 0 ? new Object[0] : null;
    }
    if (arguments instanceof Map<?, ?> map) {
      if (types.length != 1 || isScalar(e.getParameterTypes()[0])) {
        return null;
      }
      try {
        return new Object[] {bind(map, e.getParameterTypes()[0], path)};
      } catch (ConfigException ex) {
        reasons.add(signature(e) + ": " + ex.getMessage());
        return null;
      }
    }
    List<?> values = arguments instanceof List<?> list ? list : List.of(arguments);
    if (values.size() != types.length) {
      return null;
    }
    Object[] out = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      try {
        JavaType javaType = VALUES.getTypeFactory().constructType(types[i]);
        out[i] = VALUES.convertValue(values.get(i), javaType);
        if (out[i] == null && e.getParameterTypes()[i].isPrimitive()) {
          throw new IllegalArgumentException("null for a primitive");
        }
      } catch (IllegalArgumentException ex) {
        reasons.add(
            signature(e)
                + ": arguments["
                + i
                + "] "
                + describe(values.get(i))
                + " is not a "
                + e.getParameterTypes()[i].getSimpleName());
        return null;
      }
    }
    return out;
  }

  private static Object bind(Map<?, ?> map, Class<?> type, String path) {
    Map<String, Object> settings = new LinkedHashMap<>();
    map.forEach((k, v) -> settings.put(String.valueOf(k), v));
    return FrameworkServices.get(ConfigBinding.class)
        .bind(path + ".arguments", settings, type, "the arguments of " + path);
  }

  private static Block invoke(Executable e, Object[] values, BlockModelConfig config, String path) {
    Object block;
    try {
      block =
          e instanceof Constructor<?> c ? c.newInstance(values) : ((Method) e).invoke(null, values);
    } catch (InvocationTargetException ex) {
      throw new ConfigException(
          path
              + ": "
              + signature(e)
              + " failed with arguments "
              + describe(config.arguments())
              + ": "
              + ex.getCause(),
          ex.getCause());
    } catch (ReflectiveOperationException ex) {
      throw new ConfigException(path + ": could not call " + signature(e) + ": " + cause(ex), ex);
    }
    if (block == null) {
      throw new ConfigException(path + ": " + signature(e) + " returned null");
    }
    return (Block) block;
  }

  private static boolean isScalar(Class<?> type) {
    return type.isPrimitive()
        || type == String.class
        || Number.class.isAssignableFrom(type)
        || type == Boolean.class
        || Collection.class.isAssignableFrom(type)
        || type.isArray();
  }

  private static String signature(Executable e) {
    String params =
        Arrays.stream(e.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(", "));
    return (e instanceof Constructor<?>
            ? e.getDeclaringClass().getSimpleName()
            : e.getDeclaringClass().getSimpleName() + "." + e.getName())
        + "("
        + params
        + ")";
  }

  private static String describe(Object arguments) {
    if (arguments == null) {
      return "no arguments";
    }
    return arguments instanceof List<?> l
        ? "the " + l.size() + " arguments " + l
        : arguments instanceof Map<?, ?> ? "the mapping " + arguments : "the value " + arguments;
  }

  private static String cause(Throwable e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return c.toString();
  }
}
