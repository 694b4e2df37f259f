package ai.noether.core.config;

import ai.noether.api.ConfigException;
import ai.noether.api.NoetherException;
import ai.noether.api.Nullable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads the keys of one mapping of a plain tree with the checks users need: a value of the wrong
 * type, a missing required key and an unknown key each fail with the path and the place.
 */
final class MapReader {
  private final String path;
  private final Map<String, Object> map;
  private final Origins origins;

  private MapReader(String path, Map<String, Object> map, Origins origins) {
    this.path = path;
    this.map = map;
    this.origins = origins;
  }

  /**
   * A reader of {@code value}, which must be a mapping.
   *
   * @param what how the mapping is described when it is something else
   */
  @SuppressWarnings("unchecked")
  static MapReader of(String path, Object value, Origins origins, String what) {
    if (!(value instanceof Map<?, ?>)) {
      throw origins.error(
          path, what + " must be a mapping of keys, got " + PlainTrees.describe(value));
    }
    return new MapReader(path, (Map<String, Object>) value, origins);
  }

  String path() {
    return path;
  }

  Origins origins() {
    return origins;
  }

  String keyPath(String key) {
    return ConfigPath.key(path, key);
  }

  /** True if the key is present with a value (a key written without a value counts as absent). */
  boolean has(String key) {
    return map.get(key) != null;
  }

  /**
   * Records every key that is not in {@code valid}, each with the nearest valid key or its right
   * place.
   */
  void rejectUnknown(Collection<String> valid, String what, ConfigErrors errors) {
    for (String key : map.keySet()) {
      if (!valid.contains(key)) {
        errors.add(unknownKey(origins, keyPath(key), key, valid, what));
      }
    }
  }

  static ConfigException unknownKey(
      Origins origins, String path, String key, Collection<String> valid, String what) {
    // A key of the framework written at the wrong level is likelier than a typo of a valid one.
    String suggestion = KeyPlacement.didYouMean(ConfigPath.parent(path), key);
    if (suggestion.isEmpty()) {
      suggestion = Suggestions.didYouMean(key, valid);
    }
    return origins.error(
        path,
        "unknown key '"
            + path
            + "'."
            + suggestion
            + " Valid keys "
            + what
            + ": "
            + String.join(", ", valid));
  }

  ConfigException missing(String key, String hint) {
    String typo = "";
    for (String written : map.keySet()) {
      if (Suggestions.nearest(written, List.of(key)).isPresent()) {
        typo =
            "; is '" + written + "' (" + origins.where(keyPath(written)) + ") a misspelling of it?";
        break;
      }
    }
    return origins.error(
        path,
        (path.isEmpty() ? "" : path + ": ")
            + "missing required key '"
            + key
            + "'"
            + (hint.isEmpty() ? "" : " (" + hint + ")")
            + typo);
  }

  ConfigException invalid(String key, String problem) {
    return origins.error(keyPath(key), keyPath(key) + ": " + problem);
  }

  /** A string value, or {@code fallback} when absent. Integers are accepted as their digits. */
  @Nullable
  String string(String key, @Nullable String fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String || v instanceof Long) {
      return v.toString();
    }
    throw invalid(key, "expected a string, got " + PlainTrees.describe(v));
  }

  /** A checked name (run id, stage name, model name), or {@code fallback} when absent. */
  @Nullable
  String name(String key, @Nullable String fallback, UnaryOperator<String> check) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    try {
      return check.apply(s);
    } catch (NoetherException | IllegalArgumentException e) {
      throw invalid(key, String.valueOf(e.getMessage()));
    }
  }

  /** A boolean, or null when absent. {@code true} and {@code false} as text are accepted too. */
  @Nullable
  Boolean bool(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s
        && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s.strip());
    }
    throw invalid(key, "expected true or false, got " + PlainTrees.describe(v));
  }

  /** An integer, or null when absent. Quoted digits are accepted; fractions are not. */
  @Nullable
  Long integer(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw invalid(key, "expected an integer, got " + PlainTrees.describe(v));
  }

  /** A positive integer, or null when absent. */
  @Nullable
  Long positive(String key) {
    Long v = integer(key);
    if (v != null && v <= 0) {
      throw invalid(key, "must be positive, was " + v);
    }
    return v;
  }

  /**
   * A boolean, or {@code fallback} when absent; {@code "true"} and {@code "false"} are accepted
   * too.
   */
  boolean bool(String key, boolean fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s
        && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s.strip());
    }
    throw invalid(key, "expected true or false, got " + PlainTrees.describe(v));
  }

  /** A number, or null when absent. Quoted numbers are accepted. */
  @Nullable
  Double number(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw invalid(key, "expected a number, got " + PlainTrees.describe(v));
  }

  /** The plain value under {@code key}, or null when absent. */
  @Nullable
  Object raw(String key) {
    return map.get(key);
  }

  /** A reader of the mapping under {@code key}, or null when absent. */
  @Nullable
  MapReader child(String key) {
    Object v = map.get(key);
    return v == null ? null : of(keyPath(key), v, origins, keyPath(key));
  }

  MapReader requireChild(String key, String hint) {
    MapReader child = child(key);
    if (child == null) {
      throw missing(key, hint);
    }
    return child;
  }

  /**
   * The one key of {@code keys} that is present, or null when none is.
   *
   * @throws ConfigException naming both keys when two are present
   */
  @Nullable
  String oneOf(List<String> keys) {
    String found = null;
    for (String key : keys) {
      if (has(key)) {
        if (found != null) {
          throw origins.error(
              keyPath(key),
              keyPath(found)
                  + " and "
                  + keyPath(key)
                  + " are both set; keep one of them ("
                  + keyPath(found)
                  + " is at "
                  + origins.where(keyPath(found))
                  + ")");
        }
        found = key;
      }
    }
    return found;
  }

  /** The component block under {@code key}, or null when absent. */
  @Nullable
  ComponentBlock block(String key, @Nullable String defaultKind) {
    MapReader child = child(key);
    return child == null ? null : child.asBlock(defaultKind, List.of(ConfigKeys.KIND));
  }

  /** The list of component blocks under {@code key}; empty when absent. */
  List<ComponentBlock> blocks(String key) {
    Object v = map.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw invalid(
          key, "expected a list of components (- kind: ...), got " + PlainTrees.describe(v));
    }
    List<ComponentBlock> blocks = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String item = ConfigPath.index(keyPath(key), i);
      blocks.add(of(item, list.get(i), origins, item).asBlock(null, List.of(ConfigKeys.KIND)));
    }
    return blocks;
  }

  /** As {@link #blocks(String)}, recording the problem of each entry and skipping that entry. */
  List<ComponentBlock> blocks(String key, ConfigErrors errors) {
    Object v = map.get(key);
    if (!(v instanceof List<?> list)) {
      return blocks(key);
    }
    List<ComponentBlock> blocks = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String item = ConfigPath.index(keyPath(key), i);
      Object entry = list.get(i);
      ComponentBlock block =
          errors.readOrNull(
              () -> of(item, entry, origins, item).asBlock(null, List.of(ConfigKeys.KIND)));
      if (block != null) {
        blocks.add(block);
      }
    }
    return blocks;
  }

  /**
   * This mapping as a component block: {@code kind} plus the keys not in {@code frameworkKeys}.
   *
   * @param defaultKind the kind when the block has none; null if {@code kind} is required
   */
  ComponentBlock asBlock(@Nullable String defaultKind, List<String> frameworkKeys) {
    String kind = string(ConfigKeys.KIND, defaultKind);
    if (kind == null) {
      throw missing(
          ConfigKeys.KIND, "a registered kind or a factory class name; 'noether kinds' lists them");
    }
    if (kind.isBlank()) {
      throw invalid(
          ConfigKeys.KIND, "must not be empty; 'noether kinds' lists the registered kinds");
    }
    Map<String, Object> settings = new LinkedHashMap<>(map);
    settings.keySet().removeAll(frameworkKeys);
    return new ComponentBlock(path, kind.strip(), settings, frameworkKeys, origins);
  }
}
