package ai.noether.core.registry;

import ai.noether.api.Nullable;
import ai.noether.core.config.ComponentBlock;
import ai.noether.core.config.ConfigBinder;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code noether kinds <kind>} prints about a kind: its keys, each with its YAML type, whether
 * it is required, its default and its documentation, read from the factory's config record.
 *
 * <ul>
 *   <li><b>Required</b>: a primitive component, or one annotated {@code @JsonProperty(required =
 *       true)}.
 *   <li><b>Default</b>: the value the config's constructor puts in when the key is absent (the
 *       config is bound with only its required keys to find out), else the
 *       {@code @JsonProperty(defaultValue = ...)} the config documents.
 *   <li><b>Documentation</b>: the component's {@code @JsonPropertyDescription}, Jackson's own
 *       annotation for it, which JSON-schema generators read as well.
 * </ul>
 *
 * @param key the YAML key
 * @param type how the value is written, e.g. {@code integer}, {@code list of numbers}
 * @param required whether the key must be written
 * @param defaultValue the default as YAML text; empty when none is known
 * @param doc the documentation; empty when the config has none
 */
public record KindReference(
    String key, String type, boolean required, String defaultValue, String doc) {

  /**
   * The keys of {@code registration}'s config, in declaration order; empty for a config without
   * keys.
   */
  public static List<KindReference> of(Registration registration) {
    Class<?> type = registration.factory().configType();
    if (type == null || !type.isRecord()) {
      return List.of();
    }
    Map<String, Object> defaults = defaults(registration, type);
    List<KindReference> keys = new ArrayList<>();
    RecordComponent[] components = type.getRecordComponents();
    List<String> names = ConfigBinder.keysOf(type);
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      boolean required = isRequired(c);
      JsonProperty property = annotation(c, JsonProperty.class);
      JsonPropertyDescription description = annotation(c, JsonPropertyDescription.class);
      String defaultValue = "";
      if (!required && defaults.containsKey(names.get(i))) {
        defaultValue = String.valueOf(defaults.get(names.get(i)));
      } else if (property != null && !property.defaultValue().isEmpty()) {
        defaultValue = property.defaultValue();
      }
      keys.add(
          new KindReference(
              names.get(i),
              typeName(c.getGenericType()),
              required,
              defaultValue,
              description == null ? "" : description.value()));
    }
    return keys;
  }

  /**
   * The defaults the config's constructor puts in, as a tree: the config bound with only its
   * required keys (filled with simple values); when that does not bind (a config that needs one of
   * several optional keys, such as an interval), with one optional key more, whose own value is
   * then not a default. Empty when neither binds.
   */
  private static Map<String, Object> defaults(Registration registration, Class<?> type) {
    Map<String, Object> required = new LinkedHashMap<>();
    Map<String, Object> optional = new LinkedHashMap<>();
    RecordComponent[] components = type.getRecordComponents();
    List<String> names = ConfigBinder.keysOf(type);
    for (int i = 0; i < components.length; i++) {
      (isRequired(components[i]) ? required : optional)
          .put(names.get(i), sample(components[i].getGenericType()));
    }
    Map<String, Object> tree = bind(registration, type, required);
    if (tree != null) {
      return tree;
    }
    for (Map.Entry<String, Object> extra : optional.entrySet()) {
      Map<String, Object> settings = new LinkedHashMap<>(required);
      settings.put(extra.getKey(), extra.getValue());
      tree = bind(registration, type, settings);
      if (tree != null) {
        tree.remove(extra.getKey());
        return tree;
      }
    }
    return Map.of();
  }

  @Nullable
  private static Map<String, Object> bind(
      Registration registration, Class<?> type, Map<String, Object> settings) {
    try {
      ComponentBlock block = ComponentBlock.of("(defaults)", registration.kind(), settings);
      Map<String, Object> tree =
          ConfigBinder.toTree(
              ConfigBinder.bind(
                  block, type, registration.category().noun() + " '" + registration.kind() + "'"));
      settings.keySet().forEach(tree::remove);
      return tree;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Object sample(Type generic) {
    if (generic instanceof ParameterizedType p
        && p.getRawType() instanceof Class<?> raw
        && Collection.class.isAssignableFrom(raw)) {
      return List.of(sample(p.getActualTypeArguments()[0]));
    }
    Class<?> type =
        generic instanceof Class<?> c
            ? c
            : generic instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                ? raw
                : Object.class;
    if (type == double.class
        || type == float.class
        || type == Double.class
        || type == Float.class) {
      return 0.5; // inside the usual (0, 1) ranges of factors and fractions
    }
    if (type == boolean.class || type == Boolean.class) {
      return false;
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return 1L;
    }
    if (Collection.class.isAssignableFrom(type)) {
      return List.of();
    }
    return "x";
  }

  private static boolean isRequired(RecordComponent c) {
    JsonProperty property = annotation(c, JsonProperty.class);
    return c.getType().isPrimitive() || property != null && property.required();
  }

  @Nullable
  private static <A extends java.lang.annotation.Annotation> A annotation(
      RecordComponent c, Class<A> type) {
    for (AnnotatedElement e : new AnnotatedElement[] {c, c.getAccessor(), field(c)}) {
      A a = e == null ? null : e.getAnnotation(type);
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  @Nullable
  private static AnnotatedElement field(RecordComponent c) {
    try {
      return c.getDeclaringRecord().getDeclaredField(c.getName());
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  /**
   * How a Java type is written in YAML: {@code integer}, {@code list of numbers}, {@code one of
   * min, max}.
   */
  static String typeName(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      if (Collection.class.isAssignableFrom(raw)) {
        return "list of " + plural(typeName(p.getActualTypeArguments()[0]));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return "mapping to " + plural(typeName(p.getActualTypeArguments()[1]));
      }
      return typeName(raw);
    }
    if (!(type instanceof Class<?> c) || type == Object.class) {
      return "value";
    }
    if (c == int.class
        || c == long.class
        || c == Integer.class
        || c == Long.class
        || c == short.class
        || c == Short.class) {
      return "integer";
    }
    if (c == double.class
        || c == float.class
        || c == Double.class
        || c == Float.class
        || c == Number.class) {
      return "number";
    }
    if (c == boolean.class || c == Boolean.class) {
      return "boolean";
    }
    if (c == String.class || c == java.nio.file.Path.class) {
      return "string";
    }
    if (c.isEnum()) {
      return "one of "
          + String.join(
              ", ",
              Arrays.stream(c.getEnumConstants())
                  .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT))
                  .toList());
    }
    if (c.isRecord()) {
      return "mapping (" + String.join(", ", ConfigBinder.keysOf(c)) + ")";
    }
    return Collection.class.isAssignableFrom(c) ? "list" : "mapping";
  }

  private static String plural(String type) {
    return switch (type) {
      case "integer" -> "integers";
      case "number" -> "numbers";
      case "boolean" -> "booleans";
      case "string" -> "strings";
      default -> {
        if (type.startsWith("one of")) {
          yield "values (" + type + ")";
        }
        // "list of integers" -> "lists of integers", "mapping (a, b)" -> "mappings (a, b)"
        int space = type.indexOf(' ');
        yield space < 0 ? type + "s" : type.substring(0, space) + "s" + type.substring(space);
      }
    };
  }
}
