package ai.noether.core.cli;

import ai.noether.api.ConfigException;
import ai.noether.api.Nullable;

/**
 * Command-line options of {@code train} and {@code resume} that are not part of the run's
 * configuration (they are not saved with it and do not carry over to a resume).
 *
 * @param interruptAtUpdate when positive, the run sends itself SIGTERM once this update is done,
 *     exactly as a scheduler preempting the job would; 0 for never
 */
public record LaunchOptions(long interruptAtUpdate) {
  /** No options. */
  public static final LaunchOptions NONE = new LaunchOptions(0);

  /**
   * The options as given on the command line.
   *
   * @param interruptAtUpdate the value of {@code --interrupt-at-update}, or null when it was not
   *     given
   * @throws ConfigException when it is not a positive update number (0 would never interrupt)
   */
  public static LaunchOptions fromCommandLine(@Nullable Long interruptAtUpdate) {
    if (interruptAtUpdate != null && interruptAtUpdate <= 0) {
      throw new ConfigException(
          "--interrupt-at-update "
              + interruptAtUpdate
              + ": give the update after which to"
              + " interrupt, a number of at least 1 (update 1 is the first); leave the option out to train without"
              + " interruption");
    }
    return new LaunchOptions(interruptAtUpdate == null ? 0 : interruptAtUpdate);
  }

  public LaunchOptions {
    if (interruptAtUpdate < 0) {
      throw new IllegalArgumentException(
          "--interrupt-at-update must not be negative, was " + interruptAtUpdate);
    }
  }
}
