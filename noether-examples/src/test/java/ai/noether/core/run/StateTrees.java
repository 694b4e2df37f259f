package ai.noether.core.run;

import ai.noether.api.checkpoint.CheckpointKeys;
import ai.noether.api.tensor.HostTensor;
import ai.noether.core.history.MetricHistory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact fingerprints of checkpoint state for bitwise comparisons with readable failures: every leaf
 * of a tree becomes one entry, path to value, where a tensor is its dtype, shape and a SHA-256 of
 * its bytes and a floating-point number is its raw IEEE bits. Two trees are bitwise equal exactly
 * when their fingerprints are equal, and an assertion on the maps names the paths that differ.
 */
public final class StateTrees {
  private StateTrees() {}

  /**
   * Every leaf of {@code tree} (maps, lists, tensors, numbers, strings, booleans, nulls) by path.
   */
  public static Map<String, String> fingerprint(Object tree) {
    Map<String, String> out = new TreeMap<>();
    walk("", tree, out);
    return out;
  }

  /** The events of a history, one line each, values as raw double bits. */
  public static List<String> events(MetricHistory history) {
    return history.events().stream()
        .map(
            e -> {
              StringBuilder sb = new StringBuilder(e.iteration().toString());
              e.metrics().forEach((k, v) -> sb.append(' ').append(k).append('=').append(bits(v)));
              return sb.toString();
            })
        .toList();
  }

  /**
   * The entries in which two fingerprints differ, one line each ({@code path: expected != actual},
   * or missing / unexpected); empty when they are equal. Keeps failure messages short.
   */
  public static List<String> differences(Map<String, String> actual, Map<String, String> expected) {
    List<String> out = new java.util.ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String key : keys) {
      String e = expected.get(key);
      String a = actual.get(key);
      if (e == null) {
        out.add(key + ": unexpected " + a);
      } else if (a == null) {
        out.add(key + ": missing, expected " + e);
      } else if (!e.equals(a)) {
        out.add(key + ": " + a + " but expected " + e);
      }
    }
    return out;
  }

  /**
   * The trainer file's tree minus what legitimately differs between two runs that reach the same
   * state: the run id, the configuration, the lineage and the history's resume markers.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> comparableTrainerState(Map<String, Object> trainer) {
    Map<String, Object> copy = new LinkedHashMap<>(trainer);
    copy.remove(CheckpointKeys.CONFIG);
    copy.remove(CheckpointKeys.LINEAGE);
    copy.remove(CheckpointKeys.RUN_ID);
    Map<String, Object> history =
        new LinkedHashMap<>((Map<String, Object>) copy.get(CheckpointKeys.HISTORY));
    history.remove("resumes");
    copy.put(CheckpointKeys.HISTORY, history);
    return copy;
  }

  private static void walk(String path, Object value, Map<String, String> out) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.put(path, "{}");
      }
      map.forEach((k, v) -> walk(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, out));
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.put(path, "[]");
      }
      for (int i = 0; i < list.size(); i++) {
        walk(path + "[" + i + "]", list.get(i), out);
      }
    } else if (value instanceof HostTensor t) {
      out.put(path, t.dtype() + Arrays.toString(t.shape()) + " sha256:" + sha256(t));
    } else if (value instanceof Double || value instanceof Float) {
      out.put(path, bits(((Number) value).doubleValue()));
    } else if (value instanceof Number n) {
      out.put(path, "int " + n.longValue());
    } else {
      out.put(path, value == null ? "None" : value.getClass().getSimpleName() + " " + value);
    }
  }

  private static String bits(double v) {
    return v + "/" + Long.toHexString(Double.doubleToRawLongBits(v));
  }

  private static String sha256(HostTensor t) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (ByteBuffer b : t.chunks()) {
        sha.update(b.duplicate());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
