package ai.noether.callbacks.testing;

import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies a state tree the way writing and reading a checkpoint file does. */
public final class StateTrees {
  private StateTrees() {}

  /**
   * A deep copy with integers as {@code Long}, floating point numbers as {@code Double} and tensor
   * bytes copied, so the copy shares nothing with the original; fails on any type a checkpoint file
   * cannot hold.
   */
  @SuppressWarnings("unchecked")
  public static <T> T roundTrip(T tree) {
    return (T) copy(tree);
  }

  private static Object copy(Object v) {
    if (v == null
        || v instanceof String
        || v instanceof Boolean
        || v instanceof Long
        || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof HostTensor t) {
      ByteBuffer src = t.buffer();
      ByteBuffer dst = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      dst.put(src).flip();
      return HostTensor.wrap(t.dtype(), t.shape(), dst);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put((String) k, copy(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(copy(x)));
      return out;
    }
    throw new IllegalArgumentException(
        "a checkpoint cannot hold " + v.getClass().getName() + ": " + v);
  }

  /**
   * The first difference between two state trees (path and values), or null when they are equal:
   * same keys, same numbers, tensors with the same dtype, shape and bytes.
   */
  public static String difference(Object a, Object b) {
    return difference("", a, b);
  }

  private static String difference(String path, Object a, Object b) {
    if (a instanceof HostTensor x && b instanceof HostTensor y) {
      return x.contentEquals(y) ? null : path + ": tensors differ (" + x + " vs " + y + ")";
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return path + ": keys " + x.keySet() + " vs " + y.keySet();
      }
      for (Object k : x.keySet()) {
        String d = difference(path + "/" + k, x.get(k), y.get(k));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return path + ": " + x.size() + " vs " + y.size() + " elements";
      }
      for (int i = 0; i < x.size(); i++) {
        String d = difference(path + "[" + i + "]", x.get(i), y.get(i));
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    return java.util.Objects.equals(a, b) ? null : path + ": " + a + " vs " + b;
  }
}
