package ai.noether.core.data.window;

/** Which windows of each series a split holds. */
public enum WindowChoice {
  /** Every window the stride gives. */
  ALL,
  /** One window per series, ending at its last time step. */
  LAST,
  /**
   * One window per series, ending at a seeded point before its end: the series is cut as a test
   * series is, so that a validation split drawn from run-to-failure training series is scored like
   * the test split (at its last cycle, with an RUL other than 0). Validation only.
   */
  CUT
}
