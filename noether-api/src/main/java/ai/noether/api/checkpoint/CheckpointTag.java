package ai.noether.api.checkpoint;

import ai.noether.api.Nullable;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {checkpoint}} part of a checkpoint file name: when or why a checkpoint was written.
 *
 * <ul>
 *   <li>{@link Latest} ({@code latest}): the newest complete checkpoint, moved on every save.
 *   <li>{@link Last} ({@code last}): the state at the end of training.
 *   <li>{@link Best} ({@code best.{metric}}): the model at the best value of a metric so far.
 *   <li>{@link BestModel} ({@code best_model.{metric}}, {@code best_model.{metric}.tolerance={n}}):
 *       the same as Noether in Python names it; read and selected, never written by this framework.
 *   <li>{@link AtIteration} ({@code E10_U100_S200}): a periodic checkpoint; with a reason suffix
 *       ({@code E3_U1234_S39488.signal}) an emergency checkpoint written when training was
 *       interrupted. Both are fully resumable.
 * </ul>
 *
 * <p>Metric keys contain {@code /} (e.g. {@code loss/valid/total}), which a file name cannot. In a
 * tag, {@code /} is written as {@code ~}; {@code ~}, {@code %} and every character other than
 * letters, digits and {@code . _ - + @} are written as {@code %XX} (UTF-8 bytes, upper-case hex).
 * So {@code best.loss/valid/total} becomes {@code best.loss~valid~total}, {@code nasa_score/valid}
 * becomes {@code best.nasa_score~valid}, and the mapping is reversible (see {@link MetricKeys}).
 */
public sealed interface CheckpointTag
    permits CheckpointTag.Latest,
        CheckpointTag.Last,
        CheckpointTag.Best,
        CheckpointTag.BestModel,
        CheckpointTag.AtIteration {

  /** The newest complete checkpoint. */
  Latest LATEST = new Latest();

  /** The end of training. */
  Last LAST = new Last();

  /** The tag as it appears in file names. */
  String token();

  /**
   * True for tags that name another checkpoint rather than own data: {@code latest}, {@code last}.
   */
  default boolean isAlias() {
    return false;
  }

  /** A periodic checkpoint at {@code iteration}. */
  static AtIteration at(TrainingIteration iteration) {
    return new AtIteration(iteration, null);
  }

  /**
   * An emergency checkpoint at {@code iteration}, written because of {@code reason} (e.g. {@code
   * signal}).
   */
  static AtIteration emergency(TrainingIteration iteration, String reason) {
    return new AtIteration(iteration, reason);
  }

  /** The best checkpoint for a metric key such as {@code loss/valid/total}. */
  static Best best(String metricKey) {
    return new Best(metricKey);
  }

  /**
   * A best checkpoint as Noether in Python names it, for a metric key such as {@code
   * loss/online/total} ({@code best_model.loss.online.total}).
   */
  static BestModel bestModel(String metricKey) {
    return new BestModel(metricKey.replace('/', '.'));
  }

  /**
   * Parses a token as found in a file name or typed by a user: {@code latest}, {@code last}, {@code
   * best.loss~valid~total} (or the raw {@code best.loss/valid/total}), {@code
   * best_model.loss.valid.total} (or {@code best_model.loss/valid/total}), the same with {@code
   * .tolerance=5} (or {@code .tolerance5}) appended, {@code E1_U2_S3}, {@code E1_U2_S3.signal}.
   *
   * @throws InvalidNameException listing the valid forms
   */
  static CheckpointTag parse(String token) {
    if (token == null || token.isEmpty()) {
      throw new InvalidNameException("checkpoint tag must not be empty");
    }
    if (token.equals("latest")) {
      return LATEST;
    }
    if (token.equals("last")) {
      return LAST;
    }
    if (token.startsWith("best.")) {
      String metric = token.substring(5);
      return metric.indexOf('/') >= 0
          ? new Best(metric)
          : new Best(MetricKeys.decode(metric), metric);
    }
    if (token.startsWith(BestModel.PREFIX)) {
      // Noether in Python writes the key's '/' as '.'; a user may type the key as logged.
      return new BestModel(token.substring(BestModel.PREFIX.length()).replace('/', '.'));
    }
    Matcher m = AtIteration.PATTERN.matcher(token);
    if (m.matches()) {
      return new AtIteration(TrainingIteration.parse(m.group(1)), m.group(2));
    }
    throw new InvalidNameException(
        "'"
            + token
            + "' is not a checkpoint tag; valid forms are latest, last, best.<metric>, "
            + "best_model.<metric>[.tolerance=<n>], E<epoch>_U<update>_S<sample> and "
            + "E<epoch>_U<update>_S<sample>.<reason>");
  }

  /** See {@link CheckpointTag#LATEST}. */
  record Latest() implements CheckpointTag {
    @Override
    public String token() {
      return "latest";
    }

    @Override
    public boolean isAlias() {
      return true;
    }

    @Override
    public String toString() {
      return token();
    }
  }

  /** See {@link CheckpointTag#LAST}. */
  record Last() implements CheckpointTag {
    @Override
    public String token() {
      return "last";
    }

    @Override
    public boolean isAlias() {
      return true;
    }

    @Override
    public String toString() {
      return token();
    }
  }

  /**
   * The best checkpoint for {@code metricKey}, the key exactly as logged (with {@code /}).
   *
   * @param spelling null for the file-name form {@link MetricKeys#encode} writes today; otherwise
   *     another form of the same key read from a name ({@code nasa%5Fscore~valid}, as versions
   *     before 0.1 wrote {@code _}), kept so that the files of that name are found. Two spellings
   *     of one key are different tags on disk; {@link #sameCheckpointAs} relates them.
   */
  record Best(String metricKey, @Nullable String spelling) implements CheckpointTag {
    public Best {
      if (metricKey == null || metricKey.isEmpty()) {
        throw new InvalidNameException(
            "best checkpoint needs a metric key, e.g. best.loss/valid/total");
      }
      if (spelling != null && spelling.equals(MetricKeys.encode(metricKey))) {
        spelling = null;
      }
    }

    /** The best checkpoint of {@code metricKey}, spelled as it is written today. */
    public Best(String metricKey) {
      this(metricKey, null);
    }

    /**
     * True if {@code other} is the best checkpoint of the same metric key, in whichever spelling.
     */
    public boolean sameCheckpointAs(Best other) {
      return metricKey.equals(other.metricKey);
    }

    /** True when this tag is spelled as names were written before ({@code %5F} for {@code _}). */
    public boolean isOldSpelling() {
      return spelling != null;
    }

    @Override
    public String token() {
      return "best." + (spelling != null ? spelling : MetricKeys.encode(metricKey));
    }

    @Override
    public String toString() {
      return token();
    }
  }

  /**
   * A best checkpoint written by Noether in Python: {@code best_model.{metric}}, where {@code
   * metric} is the metric key with {@code /} written as {@code .} (so {@code loss/online/total} is
   * {@code best_model.loss.online.total}), optionally followed by {@code .tolerance={n}} ({@code
   * .tolerance{n}} in older versions) for the best model under an early-stopping tolerance of
   * {@code n} evaluations.
   *
   * <p>{@code name} is everything after {@code best_model.}, exactly as in the file name: a dotted
   * metric cannot be mapped back to its key ({@code a.b} may have been {@code a/b} or {@code a.b}),
   * so the name is kept as written and {@link #token()} reproduces it. Two spellings of one
   * tolerance are different tags; {@link #sameCheckpointAs} relates them.
   *
   * @param name the part after {@code best_model.}; letters, digits and {@code . _ - + = , @ ~ %}
   */
  record BestModel(String name) implements CheckpointTag {
    /** What every token of this kind starts with. */
    public static final String PREFIX = "best_model.";

    private static final Pattern TOLERANCE = Pattern.compile("(.+)\\.tolerance=?(\\d{1,18})");

    public BestModel {
      if (name == null || name.isEmpty()) {
        throw new InvalidNameException(
            "best_model checkpoint needs a metric, e.g. best_model.loss.online.total");
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!(Names.isAlnum(c) || "._-+=,@~%".indexOf(c) >= 0)) {
          throw new InvalidNameException(
              "checkpoint tag '"
                  + PREFIX
                  + name
                  + "' contains "
                  + Names.describe(c)
                  + " at position "
                  + (PREFIX.length() + i)
                  + "; a best_model tag holds letters, digits and . _ - + = , @ ~ %");
        }
      }
    }

    /** The metric as written in the name, without a tolerance: {@code loss.online.total}. */
    public String metric() {
      Matcher m = TOLERANCE.matcher(name);
      return m.matches() ? m.group(1) : name;
    }

    /**
     * The early-stopping tolerance this best checkpoint was kept under; empty for the overall best.
     */
    public OptionalLong tolerance() {
      Matcher m = TOLERANCE.matcher(name);
      return m.matches() ? OptionalLong.of(Long.parseLong(m.group(2))) : OptionalLong.empty();
    }

    /**
     * True if {@code other} names the best checkpoint of the same metric and tolerance, also when
     * one is spelled {@code tolerance5} and the other {@code tolerance=5}.
     */
    public boolean sameCheckpointAs(BestModel other) {
      return metric().equals(other.metric()) && tolerance().equals(other.tolerance());
    }

    /**
     * The same best checkpoint under an early-stopping tolerance, spelled as Noether in Python does
     * today.
     */
    public BestModel withTolerance(long tolerance) {
      return new BestModel(metric() + ".tolerance=" + tolerance);
    }

    @Override
    public String token() {
      return PREFIX + name;
    }

    @Override
    public String toString() {
      return token();
    }
  }

  /**
   * A checkpoint at an iteration; {@code reason} is null for a periodic checkpoint and a lower-case
   * word ({@code signal}, {@code error}, ...) for an emergency one.
   */
  record AtIteration(TrainingIteration iteration, @Nullable String reason)
      implements CheckpointTag {
    static final Pattern PATTERN = Pattern.compile("(E\\d+_U\\d+_S\\d+)(?:\\.([a-z][a-z0-9-]*))?");
    private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9-]*");

    public AtIteration {
      if (iteration == null) {
        throw new IllegalArgumentException("iteration must not be null");
      }
      if (reason != null && !REASON.matcher(reason).matches()) {
        throw new InvalidNameException(
            "emergency reason '"
                + reason
                + "' must be a lower-case word (letters, digits, '-'), e.g. signal");
      }
    }

    /** True for an emergency checkpoint. */
    public boolean isEmergency() {
      return reason != null;
    }

    @Override
    public String token() {
      return reason == null ? iteration.toString() : iteration + "." + reason;
    }

    @Override
    public String toString() {
      return token();
    }
  }
}
