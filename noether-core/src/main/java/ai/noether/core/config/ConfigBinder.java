package ai.noether.core.config;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a {@link ComponentBlock} to a factory's config type with Jackson, strictly:
 *
 * <ul>
 *   <li>YAML keys are the snake_case form of the record components: every capital letter starts a
 *       new word ({@code keepLast} is written {@code keep_last}, {@code everyNEpochs} {@code
 *       every_n_epochs}; write acronyms as words, {@code useEma}); nested records, lists, maps,
 *       enums (case-insensitive) and {@code java.nio.file.Path} bind as usual.
 *   <li>An unknown key fails, listing the valid keys with a "did you mean".
 *   <li>A record component of primitive type ({@code int}, {@code long}, {@code double}, {@code
 *       boolean}) is required; one of a reference type ({@code Integer}, {@code String}, {@code
 *       List}) is optional and null when absent, so the canonical constructor can put its default
 *       in.
 *   <li>A value of the wrong type fails ({@code 1.5} for an integer, {@code abc} for a number).
 *   <li>An {@link IllegalArgumentException} from the config's constructor (its own validation)
 *       becomes a {@link ConfigException} with the block's path and place.
 * </ul>
 *
 * <p>The config type may also be {@link Void} (the block takes no keys; binds to null) or a {@link
 * Map} (any keys; binds to the plain tree).
 */
public final class ConfigBinder {
  private static final SnakeCase SNAKE_CASE = new SnakeCase();
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .build();

  private ConfigBinder() {}

  /**
   * Binds the block's settings to {@code type}.
   *
   * @param what the component as messages name it, e.g. {@code callback 'ema'}
   * @throws ConfigException naming the file, line, YAML path and what would be valid
   */
  // Returns null only when C is Void, whose only value is null (NullAway cannot see that).
  @SuppressWarnings("NullAway")
  public static <C> C bind(ComponentBlock block, Class<C> type, String what) {
    if (type == Void.class) {
      for (String key : block.settings().keySet()) {
        throw MapReader.unknownKey(
            block.origins(),
            ConfigPath.key(block.path(), key),
            key,
            block.frameworkKeys(),
            "of " + what + " (it takes no settings of its own)");
      }
      return null;
    }
    if (type.isRecord()) {
      checkKeys(block, type, what);
    }
    try {
      JsonNode tree = MAPPER.valueToTree(block.settings());
      return MAPPER.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String path = pathOf(block, e);
      boolean topLevel = path.equals(ConfigPath.key(block.path(), e.getPropertyName()));
      List<String> valid = new ArrayList<>(topLevel ? block.frameworkKeys() : List.of());
      e.getKnownPropertyIds().forEach(id -> valid.add(id.toString()));
      throw MapReader.unknownKey(
          block.origins(),
          path,
          e.getPropertyName(),
          valid,
          "of " + (topLevel ? what : ConfigPath.parent(path)));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String path = pathOf(block, e);
      String message =
          cause instanceof NullPointerException
              ? "a required value is missing (" + cause.getMessage() + ")"
              : cause.getMessage();
      throw block.origins().error(path, path + ": " + message, cause);
    } catch (MismatchedInputException e) {
      String path = pathOf(block, e);
      throw block
          .origins()
          .error(
              path,
              path
                  + ": expected "
                  + expected(e.getTargetType())
                  + ", got "
                  + describeValueAt(block.settings(), e.getPath()),
              e);
    } catch (JsonProcessingException e) {
      String path = e instanceof JsonMappingException m ? pathOf(block, m) : block.path();
      throw block
          .origins()
          .error(path, path + ": cannot be read as " + what + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * A bound config as a plain tree of its YAML keys (snake_case), leaving out null values: what the
   * config holds once its constructor filled in the defaults.
   *
   * @return an ordered map in declaration order; empty for null
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> toTree(Object config) {
    if (config == null) {
      return new java.util.LinkedHashMap<>();
    }
    Map<String, Object> tree = MAPPER.convertValue(config, Map.class);
    return (Map<String, Object>) PlainTrees.withoutNulls(tree);
  }

  /** The YAML keys of a config record, in declaration order. */
  public static List<String> keysOf(Class<?> recordType) {
    return Arrays.stream(recordType.getRecordComponents())
        .map(c -> SNAKE_CASE.translate(c.getName()))
        .toList();
  }

  private static void checkKeys(ComponentBlock block, Class<?> type, String what) {
    // Every unknown and every missing key of the block at once: a user fixes them in one round.
    ConfigErrors errors = new ConfigErrors();
    List<String> keys = keysOf(type);
    List<String> valid = new ArrayList<>(block.frameworkKeys());
    valid.addAll(keys);
    List<String> misspelt = new ArrayList<>();
    for (String key : block.settings().keySet()) {
      if (!keys.contains(key)) {
        errors.add(
            MapReader.unknownKey(
                block.origins(), ConfigPath.key(block.path(), key), key, valid, "of " + what));
        Suggestions.nearest(key, valid).ifPresent(misspelt::add);
      }
    }
    RecordComponent[] components = type.getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      // A required key written misspelt is reported once, as the unknown key with its "did you
      // mean".
      if (required(components[i])
          && block.settings().get(keys.get(i)) == null
          && !misspelt.contains(keys.get(i))) {
        errors.add(
            block.error(
                "missing required key '"
                    + keys.get(i)
                    + "' ("
                    + expected(components[i].getType())
                    + ") of "
                    + what));
      }
    }
    errors.throwIfAny();
  }

  /**
   * Whether a record component must be written: a primitive, or one annotated
   * {@code @JsonProperty(required = true)} (for a reference type the constructor checks itself).
   */
  static boolean required(RecordComponent component) {
    JsonProperty property = component.getAnnotation(JsonProperty.class);
    if (property == null && component.getAccessor() != null) {
      property = component.getAccessor().getAnnotation(JsonProperty.class);
    }
    return component.getType().isPrimitive() || property != null && property.required();
  }

  private static String pathOf(ComponentBlock block, JsonMappingException e) {
    String path = block.path();
    for (JsonMappingException.Reference ref : e.getPath()) {
      path =
          ref.getFieldName() != null
              ? ConfigPath.key(path, ref.getFieldName())
              : ConfigPath.index(path, ref.getIndex());
    }
    return path;
  }

  /** {@link PlainTrees#describe} of the value at {@code refs}, {@code null} for a missing one. */
  private static String describeValueAt(Object tree, List<JsonMappingException.Reference> refs) {
    Object v = valueAt(tree, refs);
    return v == null ? "null" : PlainTrees.describe(v);
  }

  @Nullable
  private static Object valueAt(Object tree, List<JsonMappingException.Reference> refs) {
    Object v = tree;
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null && v instanceof Map<?, ?> map) {
        v = map.get(ref.getFieldName());
      } else if (ref.getIndex() >= 0 && v instanceof List<?> list && ref.getIndex() < list.size()) {
        v = list.get(ref.getIndex());
      } else {
        return "a value of another type";
      }
    }
    return v;
  }

  /** How a Java type reads to a YAML user: "an integer", "a list", "one of mse, l1". */
  static String expected(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == int.class
        || type == long.class
        || type == short.class
        || type == byte.class
        || type == Integer.class
        || type == Long.class
        || type == Short.class
        || type == Byte.class
        || type == BigInteger.class) {
      return "an integer";
    }
    if (type == double.class
        || type == float.class
        || type == Double.class
        || type == Float.class
        || type == BigDecimal.class
        || type == Number.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class
        || type == char.class
        || type == Character.class
        || type == java.nio.file.Path.class) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of "
          + String.join(
              ", ",
              Arrays.stream(type.getEnumConstants())
                  .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                  .toList());
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping";
  }

  /**
   * camelCase to snake_case where every capital letter starts a word. Jackson's own strategy keeps
   * runs of capitals together ({@code everyNEpochs} would become {@code every_nepochs}).
   */
  private static final class SnakeCase extends PropertyNamingStrategies.NamingBase {
    private static final long serialVersionUID = 1L;

    @Override
    public String translate(String name) {
      StringBuilder sb = new StringBuilder(name.length() + 4);
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (Character.isUpperCase(c)) {
          if (i > 0) {
            sb.append('_');
          }
          sb.append(Character.toLowerCase(c));
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }
}
