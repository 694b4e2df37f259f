package ai.noether.core.training;

import ai.noether.api.Nullable;
import ai.noether.api.checkpoint.InsufficientSpaceException;
import java.nio.file.Path;
import java.util.Locale;

/** What a user must do about failed saves: how much space to free, when space was the problem. */
final class SaveSpace {
  private SaveSpace() {}

  /** A sentence for the end of a message about failed saves; {@code failure} may be null. */
  static String advice(@Nullable Throwable failure, Path checkpoints) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InsufficientSpaceException space) {
        long needed = space.neededBytes();
        long required = space.requiredFreeBytes();
        long free = space.availableBytes();
        return "One checkpoint needs "
            + human(needed)
            + (required > needed
                ? ", and a save starts only with "
                    + human(required)
                    + " free (room for the store's metadata too)"
                : "")
            + (free >= 0 ? "; " + human(free) + " were free" : "")
            + ": make room for at least "
            + human(required)
            + (free >= 0 && free < required
                ? " (" + human(required - free) + " more than was free)"
                : "")
            + " on the disk of "
            + checkpoints
            + ", better for several checkpoints, or set"
            + " output_dir to a larger disk.";
      }
    }
    return "Fix what made the saves fail (above), checking that "
        + checkpoints
        + " is writable and has room.";
  }

  private static String human(long bytes) {
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
