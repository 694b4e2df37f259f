package ai.noether.api.checkpoint;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in training, counted three ways: epochs completed, updates (optimizer steps) and samples
 * seen. Formats as {@code E10_U100_S200}, the form used in checkpoint file names.
 *
 * <p>Ordered by update, then sample, then epoch: updates grow strictly during training.
 */
public record TrainingIteration(long epoch, long update, long sample)
    implements Comparable<TrainingIteration> {
  private static final Pattern FULL = Pattern.compile("E(\\d+)_U(\\d+)_S(\\d+)");

  /** The start of training. */
  public static final TrainingIteration ZERO = new TrainingIteration(0, 0, 0);

  public TrainingIteration {
    if (epoch < 0 || update < 0 || sample < 0) {
      throw new IllegalArgumentException(
          "training iteration counters must not be negative: E"
              + epoch
              + "_U"
              + update
              + "_S"
              + sample);
    }
  }

  /**
   * Parses {@code E10_U100_S200}.
   *
   * @throws InvalidNameException naming the expected form
   */
  public static TrainingIteration parse(String text) {
    Matcher m = FULL.matcher(text);
    if (!m.matches()) {
      throw new InvalidNameException(
          "'"
              + text
              + "' is not a training iteration; expected E<epoch>_U<update>_S<sample>, e.g. E10_U100_S200");
    }
    try {
      return new TrainingIteration(
          Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    } catch (NumberFormatException e) {
      throw new InvalidNameException(
          "training iteration '" + text + "' has a counter that is too large");
    }
  }

  /** True if {@code text} has the full {@code E.._U.._S..} form. */
  public static boolean isFullForm(String text) {
    return FULL.matcher(text).matches();
  }

  /** The counters after one more update of {@code batchSize} samples. */
  public TrainingIteration nextUpdate(long batchSize) {
    return new TrainingIteration(epoch, update + 1, sample + batchSize);
  }

  /** The counters after the current epoch ends. */
  public TrainingIteration nextEpoch() {
    return new TrainingIteration(epoch + 1, update, sample);
  }

  @Override
  public int compareTo(TrainingIteration o) {
    int c = Long.compare(update, o.update);
    if (c == 0) {
      c = Long.compare(sample, o.sample);
    }
    return c != 0 ? c : Long.compare(epoch, o.epoch);
  }

  /** {@code E10_U100_S200}. */
  @Override
  public String toString() {
    return "E" + epoch + "_U" + update + "_S" + sample;
  }
}
