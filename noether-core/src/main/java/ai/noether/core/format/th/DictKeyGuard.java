package ai.noether.core.format.th;

import static ai.noether.core.format.th.PickleValues.describe;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts the unpickled items into dicts, keeping every insert cheap whatever the keys: it refuses
 * keys Python could not hash (lists, dicts, large tuples) and floods of keys of different kinds
 * forged to share one hash code.
 */
final class DictKeyGuard {

  /** Keys of one hash code in one dict that may differ in kind from the most common kind. */
  static final int MAX_SAME_HASH_KEYS = 64;

  private static final int KEY_KINDS = 6;

  private final PickleInput in;

  /** The kind of each dict's first key; a dict whose keys are all of one kind needs no counting. */
  private final Map<Map<Object, Object>, Integer> dictKeyKind = new IdentityHashMap<>();

  /**
   * For dicts with keys of several kinds: per hash code, how many keys of each kind (see {@link
   * #countKey}).
   */
  private final Map<Map<Object, Object>, Map<Integer, int[]>> mixedKeyDicts =
      new IdentityHashMap<>();

  DictKeyGuard(PickleInput in) {
    this.in = in;
  }

  /** Puts {@code items}, alternating keys and values, into {@code m}. */
  void putAll(Map<Object, Object> m, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw in.malformed("a dict update has an odd number of items");
    }
    Map<Integer, int[]> groups = mixedKeyDicts.get(m);
    Integer kind = groups == null ? dictKeyKind.get(m) : null;
    for (int i = 0; i < items.size(); i += 2) {
      Object key = items.get(i);
      if (!isHashable(key)) {
        throw in.malformed(
            "dict key "
                + describe(key)
                + " is not supported; keys must be strings, numbers,"
                + " booleans, None or tuples of those (at most "
                + PickleTuple.MAX_KEY_VALUES
                + " values)");
      }
      int before = m.size();
      m.put(key, items.get(i + 1));
      if (m.size() > before) {
        if (groups != null) {
          countKey(groups, key);
        } else if (kind == null) {
          kind = keyKind(key);
          dictKeyKind.put(m, kind);
        } else if (kind != keyKind(key)) {
          groups = new HashMap<>();
          mixedKeyDicts.put(m, groups);
          for (Object k : m.keySet()) {
            countKey(groups, k);
          }
        }
      }
    }
  }

  /**
   * HashMap keeps keys whose hashes collide in a tree ordered by hash and then by compareTo, which
   * keys of different kinds (an int and a string, say) lack: inserting a key scans every key of
   * another kind that has the same hash. Thousands of such keys, easy to forge, would take
   * quadratic time; so once a dict mixes kinds of keys, at most {@link #MAX_SAME_HASH_KEYS} keys of
   * one hash may differ in kind from the most common kind of that hash.
   */
  private void countKey(Map<Integer, int[]> groups, Object key) {
    int hash = Objects.hashCode(key);
    int[] kinds = groups.computeIfAbsent(hash, h -> new int[KEY_KINDS + 1]);
    kinds[keyKind(key)]++;
    kinds[KEY_KINDS]++;
    int most = 0;
    for (int k = 0; k < KEY_KINDS; k++) {
      most = Math.max(most, kinds[k]);
    }
    if (kinds[KEY_KINDS] - most > MAX_SAME_HASH_KEYS) {
      throw in.malformed(
          "a dict holds more than "
              + MAX_SAME_HASH_KEYS
              + " keys of different kinds with the same hash"
              + " code ("
              + hash
              + "), such as "
              + describe(key)
              + "; keys built to collide, not a checkpoint");
    }
  }

  private static int keyKind(Object key) {
    return key == null
        ? 0
        : key instanceof Boolean
            ? 1
            : key instanceof Long ? 2 : key instanceof Double ? 3 : key instanceof String ? 4 : 5;
  }

  /**
   * Python's rule: scalars, and tuples of hashable values (never lists or dicts); tuples kept
   * small.
   */
  private static boolean isHashable(Object key) {
    return PickleValues.isScalar(key) || key instanceof PickleTuple t && t.keyValues > 0;
  }
}
