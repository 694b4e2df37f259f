package ai.noether.api.checkpoint;

import ai.noether.api.Nullable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user asks for when resuming or initialising: {@code latest}, {@code last}, {@code
 * best.<metric>}, Noether (Python)'s {@code best_model.<metric>[.tolerance=<n>]}, a partial
 * iteration {@code E10}, {@code U100} or {@code S200}, a full iteration {@code E10_U100_S200} (an
 * exact match; Noether documents it as unsupported, we accept it), or an emergency tag {@code
 * E10_U100_S200.signal}.
 *
 * <p>A partial selector matches every iteration checkpoint whose counter equals the value; when
 * several distinct iterations match, stores report the ambiguity and list them.
 */
public sealed interface CheckpointSelector
    permits CheckpointSelector.Exact, CheckpointSelector.Partial {
  Pattern PARTIAL = Pattern.compile("([EUS])(\\d+)");

  /**
   * Parses user input; see the type description for the forms. Null or blank selects {@code
   * latest}.
   */
  static CheckpointSelector parse(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return new Exact(CheckpointTag.LATEST);
    }
    String t = text.strip();
    Matcher m = PARTIAL.matcher(t);
    if (m.matches()) {
      return new Partial(Counter.of(m.group(1).charAt(0)), Long.parseLong(m.group(2)));
    }
    try {
      return new Exact(CheckpointTag.parse(t));
    } catch (InvalidNameException e) {
      throw new InvalidNameException(
          "'"
              + text
              + "' selects no checkpoint; use latest, last, best.<metric>, best_model.<metric>, "
              + "E<epoch>, U<update>, S<sample>, E<epoch>_U<update>_S<sample> or an emergency tag such as "
              + "E3_U1234_S39488.signal"
              + (t.startsWith(CheckpointTag.BestModel.PREFIX) ? " (" + e.getMessage() + ")" : ""));
    }
  }

  /** Selects a selector for one exact tag. */
  static CheckpointSelector of(CheckpointTag tag) {
    return new Exact(tag);
  }

  /** True if the checkpoint with this tag (and, for iteration tags, this iteration) is selected. */
  boolean matches(CheckpointTag tag);

  /** Selects exactly one tag. */
  record Exact(CheckpointTag tag) implements CheckpointSelector {
    @Override
    public boolean matches(CheckpointTag candidate) {
      return tag.equals(candidate);
    }

    @Override
    public String toString() {
      return tag.token();
    }
  }

  /** Selects iteration checkpoints (periodic or emergency) by one counter. */
  record Partial(Counter counter, long value) implements CheckpointSelector {
    @Override
    public boolean matches(CheckpointTag candidate) {
      if (!(candidate instanceof CheckpointTag.AtIteration at)) {
        return false;
      }
      TrainingIteration it = at.iteration();
      long v =
          switch (counter) {
            case EPOCH -> it.epoch();
            case UPDATE -> it.update();
            case SAMPLE -> it.sample();
          };
      return v == value;
    }

    @Override
    public String toString() {
      return counter.letter + Long.toString(value);
    }
  }

  /** The three training counters. */
  enum Counter {
    EPOCH('E'),
    UPDATE('U'),
    SAMPLE('S');

    final char letter;

    Counter(char letter) {
      this.letter = letter;
    }

    static Counter of(char letter) {
      for (Counter c : values()) {
        if (c.letter == letter) {
          return c;
        }
      }
      throw new IllegalArgumentException("no counter " + letter);
    }
  }
}
