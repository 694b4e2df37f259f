package ai.noether.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean": the candidate nearest to a misspelt key or kind, by edit distance. Case, {@code
 * _} and {@code -} are ignored when comparing, so {@code batchSize} suggests {@code batch_size} and
 * {@code Best_Checkpoint} suggests {@code best-checkpoint}; a prefix counts as one edit, so {@code
 * metric} suggests {@code metric_key}.
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The nearest candidate, if one is close enough to be a plausible typo (at most a third of the
   * input's length edits, and at least two allowed). Ties go to the first candidate in iteration
   * order.
   */
  public static Optional<String> nearest(String input, Collection<String> candidates) {
    if (input == null || input.isEmpty()) {
      return Optional.empty();
    }
    String in = normalise(input);
    int allowed = Math.max(2, in.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String c = normalise(candidate);
      int d = distance(in, c);
      if (in.length() >= 3 && (c.startsWith(in) || in.startsWith(c))) {
        // A shortened or extended key (metric for metric_key) is as plausible as a one-letter typo.
        d = Math.min(d, 1);
      }
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  /** {@code " Did you mean 'x'?"} with a leading space, or the empty string. */
  public static String didYouMean(String input, Collection<String> candidates) {
    return nearest(input, candidates).map(s -> " Did you mean '" + s + "'?").orElse("");
  }

  /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String normalise(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }
}
