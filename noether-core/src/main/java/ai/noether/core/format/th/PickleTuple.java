package ai.noether.core.format.th;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list that marks a Python tuple while unpickling (REDUCE takes tuples only). A tuple
 * that can be a dict key knows its size and hash when it is made, and orders itself against other
 * such tuples: HashMap then keeps keys whose hashes collide in a sorted tree instead of scanning
 * them, so a file full of colliding tuple keys costs no more than any other.
 */
final class PickleTuple extends AbstractList<Object>
    implements RandomAccess, Comparable<PickleTuple> {

  /**
   * Values a tuple used as a dict key may hold, nested tuples included. Keys in checkpoints are
   * strings, ints and small tuples; the bound keeps every key comparison short.
   */
  static final int MAX_KEY_VALUES = 64;

  private final Object[] items;

  /** Values inside, this tuple included, if it may be a dict key; 0 if it may not. */
  final int keyValues;

  private final int hash;

  PickleTuple(List<Object> items) {
    this.items = items.toArray();
    long values = 1;
    int h = 1;
    for (Object item : this.items) {
      if (PickleValues.isScalar(item)) {
        values++;
      } else if (item instanceof PickleTuple t && t.keyValues > 0) {
        values += t.keyValues;
      } else {
        values = Long.MAX_VALUE;
        break;
      }
      h = 31 * h + (item == null ? 0 : item.hashCode());
    }
    this.keyValues = values <= MAX_KEY_VALUES ? (int) values : 0;
    this.hash = h;
  }

  @Override
  public Object get(int index) {
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }

  @Override
  public int hashCode() {
    return keyValues > 0 ? hash : super.hashCode();
  }

  /** Puts the built tensor where the pickle had only its description. */
  void replace(int index, Object value) {
    items[index] = value;
  }

  /** A total order consistent with equals over key tuples: by item, scalars by type then value. */
  @Override
  public int compareTo(PickleTuple other) {
    int n = Math.min(items.length, other.items.length);
    for (int i = 0; i < n; i++) {
      int c = compareItems(items[i], other.items[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(items.length, other.items.length);
  }

  private static int compareItems(Object a, Object b) {
    if (a == b) {
      return 0;
    }
    int c = Integer.compare(rank(a), rank(b));
    if (c != 0) {
      return c;
    }
    if (a instanceof Boolean x) {
      return Boolean.compare(x, (Boolean) b);
    } else if (a instanceof Long x) {
      return Long.compare(x, (Long) b);
    } else if (a instanceof Double x) {
      return Double.compare(x, (Double) b);
    } else if (a instanceof String x) {
      return x.compareTo((String) b);
    } else if (a instanceof PickleTuple x) {
      return x.compareTo((PickleTuple) b);
    }
    return 0;
  }

  private static int rank(Object o) {
    return o == null
        ? 0
        : o instanceof Boolean
            ? 1
            : o instanceof Long
                ? 2
                : o instanceof Double
                    ? 3
                    : o instanceof String ? 4 : o instanceof PickleTuple ? 5 : 6;
  }
}
