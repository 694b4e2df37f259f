package ai.noether.core.data.window;

/** Which windows of each series a split holds. */
public enum WindowChoice {
  /** Every window the stride gives. */
  ALL,
  /** One window per series, ending at its last time step. */
  LAST
}
