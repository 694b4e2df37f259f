package ai.noether.core.data.window;

/** What a series shorter than the window length contributes. */
public enum Padding {
  /** One window whose missing first time steps repeat the series' first row. */
  EDGE,
  /** One window whose missing first time steps are zeros. */
  ZERO,
  /** Nothing: the series is left out of the split (and logged). */
  DROP
}
