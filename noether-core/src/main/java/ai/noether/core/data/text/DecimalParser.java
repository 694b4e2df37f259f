package ai.noether.core.data.text;

/**
 * Parses the numbers of a text table without allocating: plain decimals ({@code -12.5}, {@code
 * 518.67}, {@code 7}) of at most 15 significant digits take a fast path that is exact, everything
 * else ({@code 1e-3}, long mantissas, {@code nan}) goes through {@link Double#parseDouble}, so the
 * result is always the double {@code Double.parseDouble} gives.
 *
 * <p>The fast path is exact because the digits form an integer below 2^53 and the power of ten
 * below 10^23: both are exact doubles, and one IEEE division rounds their quotient correctly
 * (Clinger's fast path).
 */
final class DecimalParser {
  private static final double[] POWERS = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POWERS.length; i++) {
      POWERS[i] = p;
      p *= 10;
    }
  }

  private DecimalParser() {}

  /**
   * The number in {@code text[start, end)}, or NaN with {@code valid[0] = false} if it is not one.
   */
  static double parse(String text, int start, int end, boolean[] valid) {
    valid[0] = true;
    int i = start;
    boolean negative = false;
    if (i < end && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int fraction = -1;
    boolean any = false;
    for (; i < end; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        any = true;
        if (mantissa != 0 || c != '0') {
          digits++;
        }
        mantissa = mantissa * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
        if (digits > 15) {
          return slow(text, start, end, valid);
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return slow(text, start, end, valid);
      }
    }
    if (!any) {
      return slow(text, start, end, valid);
    }
    int scale = Math.max(fraction, 0);
    if (scale >= POWERS.length) {
      return slow(text, start, end, valid);
    }
    double value = mantissa / POWERS[scale];
    return negative ? -value : value;
  }

  private static double slow(String text, int start, int end, boolean[] valid) {
    String s = text.substring(start, end);
    if (!s.isEmpty()) {
      char first = s.charAt(0);
      if (first == '-' || first == '+' || first == '.' || Character.isDigit(first)) {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException ignored) {
          // not a number; the special names are checked next
        }
      }
      switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "nan", "+nan", "-nan":
          return Double.NaN;
        case "inf", "+inf", "infinity", "+infinity":
          return Double.POSITIVE_INFINITY;
        case "-inf", "-infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    valid[0] = false;
    return Double.NaN;
  }
}
