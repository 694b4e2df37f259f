package ai.noether.core.format.th;

import java.util.List;
import java.util.Map;

/** What the unpickler knows of any value it holds: whether it is a scalar, how to name it. */
final class PickleValues {
  private PickleValues() {}

  static boolean isScalar(Object o) {
    return o == null
        || o instanceof String
        || o instanceof Long
        || o instanceof Double
        || o instanceof Boolean;
  }

  /** A short description for error messages; never walks into containers (they may be cyclic). */
  static String describe(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof PickleTuple t) {
      return "a tuple of " + t.size();
    }
    if (o instanceof List<?> l) {
      return "a list of " + l.size();
    }
    if (o instanceof Map<?, ?> m) {
      return "a dict of " + m.size();
    }
    if (o instanceof PendingTensor t) {
      return "HostTensor " + t;
    }
    String s = String.valueOf(o);
    return o.getClass().getSimpleName() + " " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
  }
}
