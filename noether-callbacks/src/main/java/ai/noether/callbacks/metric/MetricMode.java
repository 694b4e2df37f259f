package ai.noether.callbacks.metric;

import java.util.List;
import java.util.Locale;

/**
 * Whether smaller or larger values of a metric are better. Written in YAML as {@code mode: min} or
 * {@code mode: max}; without it the mode is inferred from the metric key's words (see
 * {@link #infer}).
 */
public enum MetricMode {
  /** Smaller is better (losses, errors). */
  MIN,
  /** Larger is better (accuracies, scores). */
  MAX;

  private static final List<String> MIN_WORDS = List.of("loss", "error", "err", "mse", "mae", "rmse", "nll",
      "perplexity", "ppl", "wer", "cer");
  private static final List<String> MAX_WORDS = List.of("accuracy", "acc", "f1", "auc", "auroc", "precision",
      "recall", "iou", "miou", "map", "bleu", "rouge", "r2", "dice", "score", "top1", "top5");

  /**
   * The mode of {@code metricKey}: {@code explicit} when given ({@code min} or {@code max},
   * case-insensitive), otherwise inferred from the words of the key.
   *
   * @param yamlKey the YAML key the mode came from and the metric key belongs to, for messages
   *     (e.g. {@code mode})
   * @throws IllegalArgumentException when {@code explicit} is neither min nor max, or when no mode
   *     is given and the key's words do not tell
   */
  public static MetricMode resolve(String explicit, String metricKey, String yamlKey) {
    if (explicit != null) {
      return parse(explicit, yamlKey);
    }
    MetricMode inferred = infer(metricKey);
    if (inferred == null) {
      throw new IllegalArgumentException("cannot tell whether '" + metricKey + "' should be minimised or maximised; set "
          + yamlKey + ": min or " + yamlKey + ": max");
    }
    return inferred;
  }

  /**
   * Parses {@code min} or {@code max} (case-insensitive).
   *
   * @throws IllegalArgumentException naming {@code yamlKey} and the valid values
   */
  public static MetricMode parse(String value, String yamlKey) {
    if (value != null) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "min":
          return MIN;
        case "max":
          return MAX;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(yamlKey + " must be min or max, was '" + value + "'");
  }

  /**
   * The mode the words of a metric key suggest, or null when they do not tell. The key is split at
   * {@code / _ - . =} and spaces; the first word (from the left) that names a loss or error
   * ({@code loss, error, mse, mae, rmse, nll, perplexity, ...}) gives {@link #MIN}, one that names a
   * score ({@code accuracy, acc, f1, auc, precision, recall, iou, ...}) gives {@link #MAX}. So
   * {@code loss/valid/total} is minimised and {@code accuracy/valid} is maximised.
   */
  public static MetricMode infer(String metricKey) {
    if (metricKey == null) {
      return null;
    }
    for (String word : metricKey.toLowerCase(Locale.ROOT).split("[/_\\-.= ]+")) {
      if (MIN_WORDS.contains(word)) {
        return MIN;
      }
      if (MAX_WORDS.contains(word)) {
        return MAX;
      }
    }
    return null;
  }

  /**
   * True if {@code candidate} beats {@code best} by more than {@code minDelta}. NaN never beats
   * anything; anything but NaN beats a NaN or absent best.
   */
  public boolean isImprovement(double candidate, Double best, double minDelta) {
    if (Double.isNaN(candidate)) {
      return false;
    }
    if (best == null || Double.isNaN(best)) {
      return true;
    }
    return this == MIN ? candidate < best - minDelta : candidate > best + minDelta;
  }

  /** The YAML spelling: {@code min} or {@code max}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
