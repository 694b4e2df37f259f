package ai.noether.api.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The reversible mapping between metric keys ({@code loss/valid/total}) and the file-name-safe form
 * used in {@code best.{metric}} tags ({@code loss~valid~total}). See {@link CheckpointTag}.
 *
 * <p>Letters, digits and {@code . _ - + @} stay as they are, {@code /} becomes {@code ~}, and every
 * other character (also {@code ~} and {@code %}) becomes {@code %XX}. Versions before 0.1 wrote
 * {@code _} as {@code %5F} ({@code nasa%5Fscore}); {@link #decode} reads that form too, and {@link
 * CheckpointTag#parse} keeps such a spelling so that files named that way are still found. {@code
 * _} is safe inside a tag: a checkpoint file name is split at its first {@code _cp=} and its last
 * {@code _}, and neither can fall inside the tag.
 */
public final class MetricKeys {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private MetricKeys() {}

  /** The file-name form of a metric key. */
  public static String encode(String metricKey) {
    StringBuilder out = new StringBuilder(metricKey.length());
    for (byte b : metricKey.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (c == '/') {
        out.append('~');
      } else if (c < 0x80 && isLiteral(c)) {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
      }
    }
    return out.toString();
  }

  /**
   * The metric key of a file-name form.
   *
   * @throws InvalidNameException on a malformed escape
   */
  public static String decode(String encoded) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '~') {
        out.write('/');
      } else if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw new InvalidNameException("metric '" + encoded + "' ends inside a %XX escape");
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new InvalidNameException(
              "metric '"
                  + encoded
                  + "' has a malformed escape at position "
                  + i
                  + "; expected %XX");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80 && isLiteral(c)) {
        out.write(c);
      } else {
        throw new InvalidNameException(
            "metric '"
                + encoded
                + "' contains "
                + Names.describe(c)
                + " at position "
                + i
                + "; write '/' as '~' and other characters as %XX");
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Characters written as themselves. */
  private static boolean isLiteral(char c) {
    return Names.isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '@';
  }
}
