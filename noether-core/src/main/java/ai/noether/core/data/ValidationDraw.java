package ai.noether.core.data;

import java.util.SplittableRandom;

/**
 * Draws a validation split from the training data by a seed, the same way on every run with that
 * seed (a resumed run rebuilds the same splits).
 *
 * <ul>
 *   <li>{@link #groups}: whole series (units) are drawn, so that the windows of one unit never land
 *       in both splits: a seeded shuffle of the units, the first {@code round(fraction * units)}
 *       (at least one, and at least one left for training) validate.
 *   <li>{@link #rows}: without series, each row validates with probability {@code fraction},
 *       decided by a hash of the seed and the row, so that no permutation of a large file is held.
 * </ul>
 */
public final class ValidationDraw {
  private ValidationDraw() {}

  /**
   * Which of {@code count} groups validate.
   *
   * @throws IllegalArgumentException if there are fewer than two groups
   */
  public static boolean[] groups(int count, double fraction, long seed, String what) {
    if (count < 2) {
      throw new IllegalArgumentException(
          "valid_fraction needs at least two "
              + what
              + " to draw from, and the training"
              + " file has "
              + count
              + "; give a validation file with valid: instead");
    }
    int take = (int) Math.min(count - 1, Math.max(1, Math.round(fraction * count)));
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    boolean[] valid = new boolean[count];
    for (int i = 0; i < take; i++) {
      valid[order[i]] = true;
    }
    return valid;
  }

  /** Whether row {@code row} validates. */
  public static boolean row(long row, double fraction, long seed) {
    long z = seed + 0x9E3779B97F4A7C15L * (row + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53 < fraction;
  }

  /** The training and validation rows of {@code rows} rows. */
  public static RowSelection[] rows(long rows, double fraction, long seed) {
    RowSelection.Builder train = RowSelection.builder();
    RowSelection.Builder valid = RowSelection.builder();
    for (long r = 0; r < rows; r++) {
      (row(r, fraction, seed) ? valid : train).add(r);
    }
    return new RowSelection[] {train.build(), valid.build()};
  }
}
