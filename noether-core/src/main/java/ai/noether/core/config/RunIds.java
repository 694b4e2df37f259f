package ai.noether.core.config;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;

/**
 * Generates run ids such as {@code 260315-142233-k3x9}: the creation time in UTC to the second
 * ({@code yyMMdd-HHmmss}), then four base-36 characters.
 *
 * <p>Ids are valid run ids ({@link ai.noether.api.checkpoint.Names}), 18 characters long, and sort
 * by creation time as plain strings: within one JVM strictly (several ids in the same second count
 * up from a random start), across processes to the second. Two processes starting in the same
 * second collide with a probability of about one in 840,000.
 */
public final class RunIds {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final int SUFFIX_LENGTH = 4;
  private static final long SUFFIX_LIMIT = 36L * 36 * 36 * 36;
  private static final RandomGenerator RANDOM = new SecureRandom();

  private static long lastSecond = Long.MIN_VALUE;
  private static long lastSuffix;

  private RunIds() {}

  /** A new run id for now. */
  public static String next() {
    return next(Instant.now(), RANDOM);
  }

  static synchronized String next(Instant now, RandomGenerator random) {
    // Never go back in time (a clock step back would otherwise break the ordering).
    long second = Math.max(now.getEpochSecond(), lastSecond);
    long suffix;
    if (second == lastSecond) {
      suffix = lastSuffix + 1;
      if (suffix >= SUFFIX_LIMIT) {
        second++;
        suffix = random.nextLong(SUFFIX_LIMIT / 2);
      }
    } else {
      // Start in the lower half so that ids of the same second have room to count up.
      suffix = random.nextLong(SUFFIX_LIMIT / 2);
    }
    lastSecond = second;
    lastSuffix = suffix;
    String digits = Long.toString(suffix, 36);
    return STAMP.format(Instant.ofEpochSecond(second))
        + "-"
        + "0".repeat(SUFFIX_LENGTH - digits.length())
        + digits;
  }
}
