package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.CorruptCheckpointException;
import ai.noether.api.tensor.HostTensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the loaded object graph and builds its tensors. Shared references (memo GETs) make the
 * graph a DAG, possibly with cycles: each container is visited once (a visited set), so a diamond
 * of 40 levels costs 41 visits, not 2^40; a container met again on the current path is a cycle and
 * is refused. Alongside, it computes how many values each container holds when followed as a tree,
 * since every consumer of the result walks it as one; a tree of more than {@code maxTreeValues}
 * values is refused. Then it sums what the non-contiguous tensors would take to copy, refuses the
 * file if that passes the budget, and only then copies them.
 */
final class ObjectGraphCheck {
  private final PickleInput in;
  private final long copyBudget;
  private final String copyBudgetExplained;
  private final long maxTreeValues;

  private final IdentityHashMap<Object, Long> sizes = new IdentityHashMap<>();
  private final IdentityHashMap<Object, Boolean> onPath = new IdentityHashMap<>();

  /** Keys and list indices from the root to the value being checked, for messages. */
  private final ArrayList<Object> path = new ArrayList<>();

  private final IdentityHashMap<PendingTensor, HostTensor> tensors = new IdentityHashMap<>();
  private final List<Runnable> replacements = new ArrayList<>();
  private @Nullable String firstTooLarge;
  private long copyBytes;

  /**
   * @param in the pickle the graph was read from, for error messages
   * @param copyBudget the bytes copies of non-contiguous tensors may take in all
   * @param copyBudgetExplained how the budget came about, for the error message
   * @param maxTreeValues the values the graph may hold when followed as a tree
   */
  ObjectGraphCheck(
      PickleInput in, long copyBudget, String copyBudgetExplained, long maxTreeValues) {
    this.in = in;
    this.copyBudget = copyBudget;
    this.copyBudgetExplained = copyBudgetExplained;
    this.maxTreeValues = maxTreeValues;
  }

  /**
   * The graph under {@code root}, checked, with every tensor description replaced by its tensor.
   */
  Object check(Object root) {
    long values = walk(root, 0);
    if (values > maxTreeValues) {
      throw in.malformed(
          firstTooLarge
              + " holds more than "
              + maxTreeValues
              + " values once its shared references"
              + " are followed, as every reader of the tree follows them; a checkpoint never repeats itself so"
              + " (a reference bomb)");
    }
    for (Map.Entry<PendingTensor, HostTensor> e : tensors.entrySet()) {
      PendingTensor t = e.getKey();
      e.setValue(StridedTensors.view(t.storage(), t.offset(), t.shape(), t.stride()));
    }
    replacements.forEach(Runnable::run);
    return root instanceof PendingTensor t ? viewOf(t) : root;
  }

  /** The view made in {@link #check} for a tensor that {@link #walk} met. */
  private HostTensor viewOf(PendingTensor t) {
    return Objects.requireNonNull(tensors.get(t), "a tensor the walk did not meet");
  }

  /** The number of values under {@code v} when walked as a tree, saturating at Long.MAX_VALUE. */
  private long walk(Object v, int depth) {
    if (v instanceof AllowedGlobals.Global || v instanceof RestrictedUnpickler.Storage) {
      throw in.malformed(
          where()
              + " is a bare "
              + v
              + "; only containers, numbers, strings and tensors can be"
              + " loaded");
    }
    if (v instanceof PendingTensor t) {
      plan(t);
      return 1;
    }
    if (v instanceof PickleTuple t && t.keyValues > 0) {
      return t.keyValues; // only scalars and small tuples inside: nothing to check
    }
    if (!(v instanceof Map<?, ?>) && !(v instanceof List<?>)) {
      return 1;
    }
    Long known = sizes.get(v);
    if (known != null) {
      return known;
    }
    if (depth >= RestrictedUnpickler.MAX_DEPTH) {
      throw in.malformed(
          "the tree is nested deeper than " + RestrictedUnpickler.MAX_DEPTH + " levels");
    }
    if (onPath.put(v, Boolean.TRUE) != null) {
      throw in.malformed(
          where() + " contains itself (a reference cycle); a checkpoint tree has none");
    }
    long size = 1;
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        size = plus(size, e.getKey() instanceof PickleTuple t ? t.keyValues : 1);
        path.add(e.getKey());
        size = plus(size, walk(e.getValue(), depth + 1));
        path.remove(path.size() - 1);
        if (e.getValue() instanceof PendingTensor t) {
          @SuppressWarnings("unchecked")
          Map.Entry<Object, Object> entry = (Map.Entry<Object, Object>) e;
          replacements.add(() -> entry.setValue(tensors.get(t)));
        }
      }
    } else {
      List<?> list = (List<?>) v;
      for (int i = 0; i < list.size(); i++) {
        path.add(i);
        size = plus(size, walk(list.get(i), depth + 1));
        path.remove(path.size() - 1);
        if (list.get(i) instanceof PendingTensor t) {
          int index = i;
          // Lists are PickleTuples or the ArrayLists LIST and EMPTY_LIST make.
          @SuppressWarnings("unchecked")
          List<Object> items = (List<Object>) list;
          replacements.add(
              v instanceof PickleTuple tuple
                  ? () -> tuple.replace(index, viewOf(t))
                  : () -> items.set(index, tensors.get(t)));
        }
      }
    }
    onPath.remove(v);
    sizes.put(v, size);
    if (size > maxTreeValues && firstTooLarge == null) {
      firstTooLarge = where();
    }
    return size;
  }

  /** Checks a tensor's size against its storage and counts what copying it would take. */
  private void plan(PendingTensor t) {
    if (tensors.containsKey(t)) {
      return;
    }
    tensors.put(t, null);
    long bytes;
    try {
      bytes = StridedTensors.copyBytes(t.storage(), t.offset(), t.shape(), t.stride());
    } catch (IllegalArgumentException e) {
      throw new CorruptCheckpointException(
          in.file() + ": record " + in.record() + ": " + tensorWhere() + " " + e.getMessage(), e);
    }
    copyBytes = plus(copyBytes, bytes);
    if (copyBytes > copyBudget) {
      throw new CorruptCheckpointException(
          in.file()
              + ": record "
              + in.record()
              + ": "
              + tensorWhere()
              + " "
              + t
              + " is not contiguous and would be copied into "
              + bytes
              + " bytes, bringing the copies this file needs to "
              + copyBytes
              + " bytes, more than its limit of "
              + copyBudget
              + " ("
              + copyBudgetExplained
              + ")");
    }
  }

  private String tensorWhere() {
    return path.isEmpty() ? "the root tensor" : "tensor " + where();
  }

  /**
   * The path to the current value as PickleWriter names it: {@code 'state_dict.0.weight'}, {@code
   * 'x[3]'}.
   */
  private String where() {
    if (path.isEmpty()) {
      return "the root object";
    }
    StringBuilder b = new StringBuilder("'");
    for (Object step : path) {
      if (step instanceof Integer i) {
        b.append('[').append(i).append(']');
      } else {
        if (b.length() > 1) {
          b.append('.');
        }
        String key = String.valueOf(step);
        b.append(key.length() > 200 ? key.substring(0, 200) + "..." : key);
      }
    }
    return b.append('\'').toString();
  }

  private static long plus(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
