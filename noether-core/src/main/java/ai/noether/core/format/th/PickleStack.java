package ai.noether.core.format.th;

import ai.noether.api.Nullable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unpickler's value stack, its MARKs and its memo. Values below the innermost MARK cannot be
 * popped; MARKs open at once are bounded, so that a pickle of nothing but MARKs cannot grow memory
 * with the file.
 */
final class PickleStack {

  /**
   * MARKs open at once. Each container level of a tree opens at most one or two (a tensor's
   * arguments two more), so a tree {@link RestrictedUnpickler#MAX_DEPTH} deep stays well below; a
   * pickle of nothing but MARKs would otherwise grow the mark stack with the file.
   */
  static final int MAX_OPEN_MARKS = 2 * RestrictedUnpickler.MAX_DEPTH + 16;

  /** For error messages. */
  private final PickleInput in;

  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayDeque<Integer> marks = new ArrayDeque<>();
  private final Map<Long, Object> memo = new HashMap<>();

  PickleStack(PickleInput in) {
    this.in = in;
  }

  void push(@Nullable Object o) {
    stack.add(o);
  }

  Object pop() {
    int floor = marks.isEmpty() ? 0 : marks.peek();
    if (stack.size() <= floor) {
      throw in.malformed("the stack is empty");
    }
    return stack.remove(stack.size() - 1);
  }

  Object peek() {
    int floor = marks.isEmpty() ? 0 : marks.peek();
    if (stack.size() <= floor) {
      throw in.malformed("the stack is empty");
    }
    return stack.get(stack.size() - 1);
  }

  /** The {@code n} topmost values, bottom first, for a TUPLE1 to TUPLE3. */
  List<Object> popTuple(int n) {
    if (stack.size() - n < (marks.isEmpty() ? 0 : marks.peek())) {
      throw in.malformed("a tuple needs " + n + " values but the stack has fewer");
    }
    List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
    stack.subList(stack.size() - n, stack.size()).clear();
    return items;
  }

  void mark() {
    if (marks.size() >= MAX_OPEN_MARKS) {
      throw in.malformed(
          "more than "
              + MAX_OPEN_MARKS
              + " MARKs are open at once; no checkpoint nests that"
              + " deep (trees deeper than "
              + RestrictedUnpickler.MAX_DEPTH
              + " levels are refused)");
    }
    marks.push(stack.size());
  }

  /** The values above the innermost MARK, bottom first; the MARK is closed. */
  List<Object> popMark() {
    if (marks.isEmpty()) {
      throw in.malformed("no MARK to pop to");
    }
    int mark = marks.pop();
    List<Object> items = new ArrayList<>(stack.subList(mark, stack.size()));
    stack.subList(mark, stack.size()).clear();
    return items;
  }

  /** The one value a complete pickle leaves (STOP). */
  Object result() {
    if (stack.size() != 1 || !marks.isEmpty()) {
      throw in.malformed(
          "the pickle ends with " + stack.size() + " values on the stack instead of one");
    }
    return stack.get(0);
  }

  /** Remembers the top of the stack under {@code index} (BINPUT, LONG_BINPUT). */
  void memoPut(long index) {
    memo.put(index, peek());
  }

  /** Remembers the top of the stack under the next free index (MEMOIZE). */
  void memoize() {
    memo.put((long) memo.size(), peek());
  }

  Object memoGet(long index) {
    if (!memo.containsKey(index)) {
      throw in.malformed("memo entry " + index + " is read before it is written");
    }
    return memo.get(index);
  }
}
