package ai.noether.core.training;

/** What the trainer does when a batch's loss is NaN or infinite. */
public enum NonFiniteLossPolicy {
  /**
   * Stop before the update is applied, write an emergency checkpoint of the last good state (tag
   * {@code E.._U.._S...error}) and fail with a message naming it. The default.
   */
  ERROR,
  /** Apply the update anyway and go on (the weights may become NaN). */
  IGNORE
}
