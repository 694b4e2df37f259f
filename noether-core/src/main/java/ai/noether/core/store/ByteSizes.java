package ai.noether.core.store;

import java.util.Locale;

/** Byte counts for messages: {@code 512 bytes}, {@code 3.4 MB}, {@code 1.25 GB} (decimal units). */
public final class ByteSizes {
  private ByteSizes() {}

  /** Never null; {@code unknown} for a negative count. */
  public static String human(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    if (bytes < 1_000) {
      return bytes + " bytes";
    }
    if (bytes < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
    }
    if (bytes < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
