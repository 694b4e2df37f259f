package ai.noether.core.checkpoint;

import ai.noether.api.Nullable;
import ai.noether.api.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether two state trees (maps, lists, numbers, strings, {@link HostTensor}s) would be written as
 * the same bytes. Conservative: anything it cannot tell apart cheaply counts as different, so the
 * caller writes rather than reuses.
 */
final class StateEquality {
  private StateEquality() {}

  static boolean same(@Nullable Object a, @Nullable Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (!List.copyOf(ma.keySet()).equals(List.copyOf(mb.keySet()))) {
        return false; // the key order is the order in the file
      }
      for (Object key : ma.keySet()) {
        if (!same(ma.get(key), mb.get(key))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      if (la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!same(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof HostTensor ta && b instanceof HostTensor tb) {
      if (ta.dtype() != tb.dtype()
          || !Arrays.equals(ta.shape(), tb.shape())
          || ta.chunks().size() != tb.chunks().size()) {
        return false;
      }
      for (int i = 0; i < ta.chunks().size(); i++) {
        ByteBuffer ca = ta.chunks().get(i);
        ByteBuffer cb = tb.chunks().get(i);
        if (!ca.equals(cb)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Double da && b instanceof Double db) {
      return Double.doubleToRawLongBits(da) == Double.doubleToRawLongBits(db);
    }
    return a.getClass() == b.getClass() && Objects.equals(a, b);
  }
}
