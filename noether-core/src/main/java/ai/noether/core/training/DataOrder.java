package ai.noether.core.training;

import ai.noether.api.Nullable;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The order in which the training samples are visited: a fresh permutation per epoch, derived only
 * from the run seed and the epoch number. Because nothing else feeds it, a run resumed in the
 * middle of an epoch sees exactly the batches the uninterrupted run would have seen.
 */
public final class DataOrder {
  private final long seed;
  private final int size;
  private long cachedEpoch = -1;
  private @Nullable int[] cached;
  // The epoch before: batches of the next epoch are asked for (prefetching) while this one ends.
  private long previousEpoch = -1;
  private @Nullable int[] previous;

  public DataOrder(long seed, long size) {
    if (size <= 0 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "training split must hold 1.." + (Integer.MAX_VALUE - 8) + " samples, has " + size);
    }
    this.seed = seed;
    this.size = (int) size;
  }

  /**
   * The sample indices of batch {@code batchInEpoch} of {@code epoch}; the last batch may be short.
   */
  public long[] batch(long epoch, long batchInEpoch, int batchSize) {
    int[] order = permutation(epoch);
    long from = batchInEpoch * batchSize;
    if (from >= size) {
      throw new IllegalArgumentException("epoch " + epoch + " has no batch " + batchInEpoch);
    }
    int to = (int) Math.min(size, from + batchSize);
    long[] out = new long[to - (int) from];
    for (int i = 0; i < out.length; i++) {
      out[i] = order[(int) from + i];
    }
    return out;
  }

  private int[] permutation(long epoch) {
    if (epoch == previousEpoch) {
      int[] p = previous;
      previous = cached;
      previousEpoch = cachedEpoch;
      cached = p;
      cachedEpoch = epoch;
    }
    if (epoch != cachedEpoch) {
      previous = cached;
      previousEpoch = cachedEpoch;
      int[] p = new int[size];
      Arrays.setAll(p, i -> i);
      SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0x5eed_da7aL, epoch));
      for (int i = size - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      cached = p;
      cachedEpoch = epoch;
    }
    // cachedEpoch == epoch here, and cachedEpoch only ever names an epoch whose order is cached
    return Objects.requireNonNull(cached);
  }
}
