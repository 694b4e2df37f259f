package ai.noether.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies of plain trees (maps, lists and scalars as {@link Yaml} reads them). */
final class PlainTrees {
  private PlainTrees() {}

  /** A deep copy that nobody can change; map order and null values are kept. */
  static Object frozen(Object tree) {
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, frozen(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (tree instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(frozen(v)));
      return Collections.unmodifiableList(copy);
    }
    return tree;
  }

  /** A deep, changeable copy without the map entries whose value is null. */
  static Object withoutNulls(Object tree) {
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            if (v != null) {
              copy.put((String) k, withoutNulls(v));
            }
          });
      return copy;
    }
    if (tree instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(withoutNulls(v)));
      return copy;
    }
    return tree;
  }

  /**
   * How a value reads in a message: {@code 'abc'}, {@code 12}, {@code a mapping}, {@code a list}.
   */
  static String describe(Object value) {
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(value);
  }
}
