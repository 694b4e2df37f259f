package ai.noether.core.training;

import ai.noether.api.run.RunSeeds;

/**
 * Deterministic seeds derived from the run seed and the counters. Every random draw of a run (data
 * order, dropout, augmentation, initial weights) comes from here, so resuming needs no hidden
 * generator state: the counters in a checkpoint are enough to continue the same streams.
 */
public final class Seeds {
  private static final long UPDATE_STREAM = 0x0dd5_eed5L;
  private static final long INIT_STREAM = 0x1a17_5eedL;
  private static final long BATCH_STREAM = 0xacc0_5eedL;

  private Seeds() {}

  /** The seed of update number {@code update} (0-based: the update about to run). */
  public static long forUpdate(long runSeed, long update) {
    return mix(runSeed, UPDATE_STREAM, update);
  }

  /**
   * The seed of batch {@code position} (0-based) of the accumulation window of update {@code
   * update}: {@link #forUpdate} for the first batch, so a run without accumulation draws exactly as
   * before, and an independent stream for each further batch.
   */
  public static long forBatch(long runSeed, long update, int position) {
    return position == 0
        ? forUpdate(runSeed, update)
        : mix(forUpdate(runSeed, update), BATCH_STREAM, position);
  }

  /** The seed for initialising the weights of model number {@code index}. */
  public static long forInitialization(long runSeed, int index) {
    return mix(runSeed, INIT_STREAM, index);
  }

  /**
   * {@link RunSeeds#mix}: SplitMix64 finalisers; distinct inputs give independent-looking seeds.
   */
  public static long mix(long a, long b, long c) {
    return RunSeeds.mix(a, b, c);
  }
}
