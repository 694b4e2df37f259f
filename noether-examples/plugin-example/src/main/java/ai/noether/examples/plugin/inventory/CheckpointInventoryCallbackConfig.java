package ai.noether.examples.plugin.inventory;

import ai.noether.api.callback.Interval;

/**
 * Configuration of the {@code checkpoint-inventory} callback: how often it counts the stage's
 * checkpoints.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: checkpoint-inventory
 *       every_n_epochs: 1    # or every_n_updates / every_n_samples; default every_n_epochs: 1
 * }</pre>
 *
 * @param everyNEpochs {@code every_n_epochs}: count after every N-th epoch
 * @param everyNUpdates {@code every_n_updates}: count after every N-th update
 * @param everyNSamples {@code every_n_samples}: count when the sample counter crosses a multiple of
 *     N. At most one of the three; none means {@code every_n_epochs: 1}
 */
public record CheckpointInventoryCallbackConfig(
    Long everyNEpochs, Long everyNUpdates, Long everyNSamples) {

  /**
   * Fills in the default interval.
   *
   * @throws IllegalArgumentException naming the keys when more than one is given or one is not
   *     positive
   */
  public CheckpointInventoryCallbackConfig {
    if (Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, null) == null) {
      everyNEpochs = 1L;
    }
  }

  /** The interval; never null. */
  public Interval interval() {
    // The constructor fills in a default when no key is set.
    return java.util.Objects.requireNonNull(
        Interval.fromKeys(everyNEpochs, everyNUpdates, everyNSamples, null));
  }
}
