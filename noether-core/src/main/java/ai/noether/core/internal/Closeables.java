package ai.noether.core.internal;

import java.util.Deque;

/** Closing what was built, in reverse order of creation. */
public final class Closeables {
  private Closeables() {}

  /**
   * Pops and closes every resource of {@code stack} (the most recently pushed first), even when one
   * fails to close: the first failure is thrown once all are closed, later ones attached to it as
   * suppressed, so no resource stays open because another one failed.
   */
  public static void closeAll(Deque<? extends AutoCloseable> stack) {
    RuntimeException first = null;
    while (!stack.isEmpty()) {
      try {
        stack.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
