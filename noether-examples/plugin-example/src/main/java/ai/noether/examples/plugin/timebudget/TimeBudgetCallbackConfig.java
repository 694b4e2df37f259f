package ai.noether.examples.plugin.timebudget;

import ai.noether.api.Nullable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;

/**
 * Configuration of the {@code time-budget} callback: how much wall-clock time this process may use,
 * given either as minutes from the start of the process or as a deadline, and how much of it to
 * keep free at the end.
 *
 * <pre>{@code
 * trainer:
 *   callbacks:
 *     - kind: time-budget
 *       max_minutes: 235      # the job's time limit (here 4 h) minus a little; counts from the JVM's start
 *       margin_minutes: 3     # kept free after the last checkpoint: final evaluation, final save, exit
 * }</pre>
 *
 * <p>or, when the scheduler tells the job when it ends:
 *
 * <pre>{@code
 * - kind: time-budget
 *   deadline: 2026-03-01T18:00:00+01:00   # ISO-8601; without an offset, the machine's local time
 * }</pre>
 *
 * <p>YAML keys are the record components in snake_case ({@code maxMinutes} is {@code max_minutes});
 * the framework's binder derives them, so the record needs no annotations.
 *
 * @param maxMinutes the budget of this process in minutes, counted from the start of the JVM (a
 *     scheduler's limit counts from about then); positive. Null when {@code deadline} is given.
 * @param deadline when the budget ends, as an ISO-8601 date and time ({@code 2026-03-01T18:00:00Z},
 *     {@code 2026-03-01T18:00:00+01:00}; without an offset it is the machine's local time). Null
 *     when {@code max_minutes} is given.
 * @param marginMinutes minutes to keep free after the last checkpoint is committed, for what still
 *     happens then (the trainer's final evaluation and checkpoint, the JVM's exit); not negative,
 *     less than {@code max_minutes}. Null (absent) means {@value #DEFAULT_MARGIN_MINUTES}.
 */
public record TimeBudgetCallbackConfig(
    @Nullable Double maxMinutes, @Nullable String deadline, Double marginMinutes) {
  /** The margin when {@code margin_minutes} is absent. */
  public static final double DEFAULT_MARGIN_MINUTES = 2.0;

  /**
   * Validates the values; every message names the YAML key.
   *
   * @throws IllegalArgumentException naming the key and what would be valid
   */
  public TimeBudgetCallbackConfig {
    if ((maxMinutes == null) == (deadline == null)) {
      throw new IllegalArgumentException(
          maxMinutes == null
              ? "set max_minutes (minutes from the start of the process, e.g. max_minutes: 235) or deadline"
                  + " (e.g. deadline: 2026-03-01T18:00:00Z)"
              : "give max_minutes or deadline, not both");
    }
    if (maxMinutes != null && (!(maxMinutes > 0) || maxMinutes.isInfinite())) {
      throw new IllegalArgumentException(
          "max_minutes must be a positive number of minutes, was " + maxMinutes);
    }
    if (deadline != null) {
      parseDeadline(deadline);
    }
    boolean defaultMargin = marginMinutes == null;
    if (defaultMargin) {
      marginMinutes = DEFAULT_MARGIN_MINUTES;
    }
    if (!(marginMinutes >= 0) || marginMinutes.isInfinite()) {
      throw new IllegalArgumentException(
          "margin_minutes must be zero or a positive number of minutes, was " + marginMinutes);
    }
    if (maxMinutes != null && marginMinutes >= maxMinutes) {
      throw new IllegalArgumentException(
          "margin_minutes ("
              + marginMinutes
              + (defaultMargin ? ", the default" : "")
              + ") must be less than max_minutes ("
              + maxMinutes
              + "); the margin is kept free at the end of the budget");
    }
  }

  /** A budget of {@code minutes} from the start of the process, with the default margin. */
  // The canonical constructor replaces a null margin_minutes by the default (and says so in its
  // errors): NullAway cannot see that the component is nullable only until then.
  @SuppressWarnings("NullAway")
  public static TimeBudgetCallbackConfig ofMinutes(double minutes) {
    return new TimeBudgetCallbackConfig(minutes, null, null);
  }

  /** This config with another margin. */
  public TimeBudgetCallbackConfig withMarginMinutes(double minutes) {
    return new TimeBudgetCallbackConfig(maxMinutes, deadline, minutes);
  }

  /** The budget measured from the start of the process; empty when a deadline is given instead. */
  public Optional<Duration> maxDuration() {
    return Optional.ofNullable(maxMinutes).map(TimeBudgetCallbackConfig::minutes);
  }

  /**
   * The deadline as an instant; empty when {@code max_minutes} is given instead.
   *
   * @param localZone the zone of a deadline written without an offset
   */
  public Optional<Instant> deadlineIn(ZoneId localZone) {
    if (deadline == null) {
      return Optional.empty();
    }
    TemporalAccessor parsed = parseDeadline(deadline);
    return Optional.of(
        parsed instanceof ZonedDateTime zoned
            ? zoned.toInstant()
            : ((LocalDateTime) parsed).atZone(localZone).toInstant());
  }

  /** The margin kept free at the end of the budget. */
  public Duration margin() {
    return minutes(marginMinutes);
  }

  private static Duration minutes(double minutes) {
    return Duration.ofNanos(Math.round(minutes * 60e9));
  }

  private static TemporalAccessor parseDeadline(String text) {
    try {
      return DateTimeFormatter.ISO_DATE_TIME.parseBest(
          text.strip(), ZonedDateTime::from, LocalDateTime::from);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "deadline '"
              + text
              + "' is not an ISO-8601 date and time; write e.g."
              + " 2026-03-01T18:00:00Z, 2026-03-01T18:00:00+01:00 or 2026-03-01T18:00 (the machine's local time)"
              + " (date -Iseconds prints one)");
    }
  }
}
