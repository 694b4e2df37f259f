package ai.noether.djl.model;

import ai.noether.api.spi.ConfigBinding;
import ai.noether.api.spi.FrameworkServices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bound model config as the plain values saved as {@code model_config}: its YAML keys with the
 * defaults filled in, {@code kind} first, integers as longs (as they read back from a checkpoint).
 */
public final class PlainConfig {
  private PlainConfig() {}

  /** {@code config}'s tree with {@code kind} first. */
  public static Map<String, Object> of(String kind, Object config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", kind);
    FrameworkServices.get(ConfigBinding.class)
        .toPlainTree(config)
        .forEach((k, v) -> out.put(k, widened(v)));
    return out;
  }

  private static Object widened(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), widened(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(widened(v)));
      return copy;
    }
    return value;
  }
}
