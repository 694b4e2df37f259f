package ai.noether.api.logger;

import java.util.Optional;

/**
 * The terminal this process talks to, as the command line set it up: whether there is one, and the
 * status line that a progress bar draws on. Implemented by {@code noether-core} and bound in the
 * process injector: a factory asks for it through its {@code @Inject} constructor. Thread-safe.
 */
public interface Terminal {

  /** True when standard input and output are an interactive terminal. */
  boolean isInteractive();

  /**
   * The line at the bottom of the terminal that other output scrolls past, when the command line
   * installed one (standard output is a terminal); empty otherwise.
   */
  Optional<Status> statusLine();

  /**
   * A line at the bottom of a terminal that output scrolls past: whatever else is written to
   * standard output or error first clears it, is printed on a clean line, and the status line is
   * drawn again below it. Thread-safe.
   */
  interface Status {
    /** Shows {@code text} as the status line, replacing the one shown. */
    void show(String text);

    /** Leaves the status line where it is, as ordinary output, and shows none from now on. */
    void finish();
  }
}
