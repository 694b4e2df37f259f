package ai.noether.djl.internal;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off for the current thread until {@link #close()}.
 *
 * <p>In-place changes to parameters (optimizer updates, loading a state dict, EMA steps) must not
 * be recorded: PyTorch refuses in-place writes to leaves that require gradients while it records.
 * DJL switches recording off on the thread that loads the engine, but PyTorch's mode is
 * per-thread and starts on, so code that may run on any thread switches it off explicitly.
 */
public final class GradMode implements AutoCloseable {
  private final boolean previous;

  private GradMode(boolean previous) {
    this.previous = previous;
  }

  /** Disables recording; restore the previous mode with {@link #close()}. */
  public static GradMode disabled() {
    boolean previous = JniUtils.isGradMode();
    if (previous) {
      JniUtils.setGradMode(false);
    }
    return new GradMode(previous);
  }

  @Override
  public void close() {
    if (previous) {
      JniUtils.setGradMode(true);
    }
  }
}
