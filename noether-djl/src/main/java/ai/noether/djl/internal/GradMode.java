package ai.noether.djl.internal;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Runs code with PyTorch's autograd recording off for the current thread.
 *
 * <p>In-place changes to parameters (optimizer updates, loading a state dict, EMA steps) must not
 * be recorded: PyTorch refuses in-place writes to leaves that require gradients while it records.
 * DJL switches recording off on the thread that loads the engine, but PyTorch's mode is per-thread
 * and starts on, so code that may run on any thread switches it off explicitly.
 */
public final class GradMode {
  private GradMode() {}

  /** Runs {@code body} with recording off, then restores the previous mode. */
  public static void withoutRecording(Runnable body) {
    withoutRecording(
        () -> {
          body.run();
          return null;
        });
  }

  /** Returns {@code body}'s result, computed with recording off; restores the previous mode. */
  public static <T> T withoutRecording(Supplier<T> body) {
    boolean previous = JniUtils.isGradMode();
    if (previous) {
      JniUtils.setGradMode(false);
    }
    try {
      return body.get();
    } finally {
      if (previous) {
        JniUtils.setGradMode(true);
      }
    }
  }
}
