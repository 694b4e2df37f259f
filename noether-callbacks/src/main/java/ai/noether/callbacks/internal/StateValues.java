package ai.noether.callbacks.internal;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.HostTensor;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a saved {@link ai.noether.api.state.Stateful} state. Every failure is an {@link
 * IllegalArgumentException} that names the key and what was expected, which the trainer reports
 * together with the callback's state key.
 */
public final class StateValues {
  private StateValues() {}

  /** The integer at {@code key}. */
  public static long requireLong(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    throw wrongType(key, "an integer", v);
  }

  /** The number at {@code key}, or null when the key holds null or is absent. */
  public static @Nullable Double optionalDouble(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw wrongType(key, "a number or null", v);
  }

  /** The string at {@code key}, or null when the key holds null or is absent. */
  public static @Nullable String optionalString(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw wrongType(key, "a string or null", v);
  }

  /** The boolean at {@code key}. */
  public static boolean requireBoolean(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(key, "true or false", v);
  }

  /** The list at {@code key}. */
  public static List<?> requireList(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof List<?> list) {
      return list;
    }
    throw wrongType(key, "a list", v);
  }

  /** The map at {@code key}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> requireMap(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof Map<?, ?> map) {
      for (Object k : map.keySet()) {
        if (!(k instanceof String)) {
          throw new IllegalArgumentException(
              "state key '" + key + "' must map strings to values, found key " + k);
        }
      }
      return (Map<String, Object>) map;
    }
    throw wrongType(key, "a map", v);
  }

  /** The tensor at {@code key}. */
  public static HostTensor requireTensor(Map<String, Object> state, String key) {
    Object v = state.get(key);
    if (v instanceof HostTensor t) {
      return t;
    }
    throw wrongType(key, "a tensor", v);
  }

  private static IllegalArgumentException wrongType(
      String key, String expected, @Nullable Object actual) {
    return new IllegalArgumentException(
        "state key '"
            + key
            + "' must hold "
            + expected
            + ", found "
            + (actual == null
                ? "nothing"
                : actual.getClass().getSimpleName() + " " + abbreviate(actual)));
  }

  private static String abbreviate(Object v) {
    String s = String.valueOf(v);
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
