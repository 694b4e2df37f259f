package ai.noether.api.checkpoint;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {checkpoint}} part of a checkpoint file name: when or why a checkpoint was written.
 *
 * <ul>
 *   <li>{@link Latest} ({@code latest}): the newest complete checkpoint, moved on every save.
 *   <li>{@link Last} ({@code last}): the state at the end of training.
 *   <li>{@link Best} ({@code best.{metric}}): the model at the best value of a metric so far.
 *   <li>{@link AtIteration} ({@code E10_U100_S200}): a periodic checkpoint; with a reason suffix
 *       ({@code E3_U1234_S39488.signal}) an emergency checkpoint written when training was
 *       interrupted. Both are fully resumable.
 * </ul>
 *
 * <p>Metric keys contain {@code /} (e.g. {@code loss/valid/total}), which a file name cannot. In a
 * tag, {@code /} is written as {@code ~}; {@code ~}, {@code %} and every character other than
 * letters, digits and {@code . - +  @} are written as {@code %XX} (UTF-8 bytes, upper-case hex). So
 * {@code best.loss/valid/total} becomes {@code best.loss~valid~total} and the mapping is reversible.
 */
public sealed interface CheckpointTag permits CheckpointTag.Latest, CheckpointTag.Last, CheckpointTag.Best, CheckpointTag.AtIteration {

  /** The newest complete checkpoint. */
  Latest LATEST = new Latest();

  /** The end of training. */
  Last LAST = new Last();

  /** The tag as it appears in file names. */
  String token();

  /** True for tags that name another checkpoint rather than own data: {@code latest}, {@code last}. */
  default boolean isAlias() {
    return false;
  }

  /** A periodic checkpoint at {@code iteration}. */
  static AtIteration at(TrainingIteration iteration) {
    return new AtIteration(iteration, null);
  }

  /** An emergency checkpoint at {@code iteration}, written because of {@code reason} (e.g. {@code signal}). */
  static AtIteration emergency(TrainingIteration iteration, String reason) {
    return new AtIteration(iteration, reason);
  }

  /** The best checkpoint for a metric key such as {@code loss/valid/total}. */
  static Best best(String metricKey) {
    return new Best(metricKey);
  }

  /**
   * Parses a token as found in a file name or typed by a user: {@code latest}, {@code last},
   * {@code best.loss~valid~total} (or the raw {@code best.loss/valid/total}), {@code E1_U2_S3},
   * {@code E1_U2_S3.signal}.
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
      return new Best(metric.indexOf('/') >= 0 ? metric : MetricKeys.decode(metric));
    }
    Matcher m = AtIteration.PATTERN.matcher(token);
    if (m.matches()) {
      return new AtIteration(TrainingIteration.parse(m.group(1)), m.group(2));
    }
    throw new InvalidNameException(
        "'" + token + "' is not a checkpoint tag; valid forms are latest, last, best.<metric>, "
            + "E<epoch>_U<update>_S<sample> and E<epoch>_U<update>_S<sample>.<reason>");
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

  /** The best checkpoint for {@code metricKey}, the key exactly as logged (with {@code /}). */
  record Best(String metricKey) implements CheckpointTag {
    public Best {
      if (metricKey == null || metricKey.isEmpty()) {
        throw new InvalidNameException("best checkpoint needs a metric key, e.g. best.loss/valid/total");
      }
    }

    @Override
    public String token() {
      return "best." + MetricKeys.encode(metricKey);
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
  record AtIteration(TrainingIteration iteration, String reason) implements CheckpointTag {
    static final Pattern PATTERN = Pattern.compile("(E\\d+_U\\d+_S\\d+)(?:\\.([a-z][a-z0-9-]*))?");
    private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9-]*");

    public AtIteration {
      if (iteration == null) {
        throw new IllegalArgumentException("iteration must not be null");
      }
      if (reason != null && !REASON.matcher(reason).matches()) {
        throw new InvalidNameException(
            "emergency reason '" + reason + "' must be a lower-case word (letters, digits, '-'), e.g. signal");
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
