package ai.noether.core.cli;

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

  public LaunchOptions {
    if (interruptAtUpdate < 0) {
      throw new IllegalArgumentException("--interrupt-at-update must not be negative, was " + interruptAtUpdate);
    }
  }
}
