package ai.noether.api.cli;

/** The exit codes of the {@code noether} command line that a command returns (see docs/cli.md). */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** A failure: something could not be read or written. */
  public static final int FAILURE = 1;

  /** Invalid usage or configuration; the message names the option, file or key. */
  public static final int USAGE = 2;

  /** Training stopped by a signal after writing a resumable checkpoint. */
  public static final int INTERRUPTED = 3;

  /** Training stopped because checkpoint saves kept failing. */
  public static final int SAVES_FAILED = 4;

  private ExitCodes() {}
}
