package ai.noether.store.s3.internal;

import ai.noether.api.Nullable;
import java.util.Locale;

/** CRC32C values as they are written into object metadata: 8 lower-case hex digits. */
public final class Crc32c {
  /** The user-metadata key (sent as {@code x-amz-meta-noether-crc32c}). */
  public static final String METADATA_KEY = "noether-crc32c";

  private Crc32c() {}

  /** {@code value} as 8 lower-case hex digits. */
  public static String toHex(long value) {
    return String.format(Locale.ROOT, "%08x", value & 0xffffffffL);
  }

  /** Parses 8 hex digits; -1 when {@code hex} is null or not such a value (a foreign object). */
  public static long parseHex(@Nullable String hex) {
    if (hex == null || hex.length() != 8) {
      return -1;
    }
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
