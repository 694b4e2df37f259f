package ai.noether.core.cli;

import ai.noether.api.Nullable;
import ai.noether.api.logger.Terminal;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * A line at the bottom of a terminal that output scrolls past (a progress bar), as progress-bar
 * libraries keep it: whatever else is written to standard output or error first clears the status
 * line ({@code \r} and "erase to end of line"), is printed on a clean line, and the status line is
 * drawn again below it once that output ends its line. Without it, log lines printed during
 * training land in the middle of the bar.
 *
 * <p>{@link #install()} wraps {@link System#out} and {@link System#err} when standard output is a
 * terminal; logging frameworks that write through {@code System.out} at each event (logback's
 * console appender does) go through it too. Thread-safe.
 */
public final class StatusLine implements Terminal.Status {
  /** Carriage return, then ANSI "erase to the end of the line". */
  static final String CLEAR = "\r\u001b[K";

  @Nullable private static volatile StatusLine installed;

  private final OutputStream terminal;
  private final Charset charset;
  @Nullable private String shown;
  private boolean midLine;

  /**
   * @param terminal where the status line and the other output go, unbuffered
   */
  StatusLine(OutputStream terminal, Charset charset) {
    this.terminal = Objects.requireNonNull(terminal, "terminal");
    this.charset = Objects.requireNonNull(charset, "charset");
  }

  /**
   * Routes {@link System#out} and {@link System#err} through a status line when standard output is
   * an interactive terminal, once per process.
   *
   * @return the status line, or null when standard output is not a terminal
   */
  @Nullable
  public static synchronized StatusLine install() {
    if (installed == null && Terminals.isInteractive()) {
      PrintStream out = System.out;
      Charset charset = Charset.defaultCharset();
      StatusLine line = new StatusLine(out, charset);
      System.setOut(new PrintStream(line.stream(out), true, charset));
      System.setErr(new PrintStream(line.stream(System.err), true, charset));
      installed = line;
    }
    return installed;
  }

  /** The status line installed in this process, or null. */
  @Nullable
  public static StatusLine current() {
    return installed;
  }

  /** Shows {@code text} as the status line, replacing the one shown. */
  @Override
  public synchronized void show(String text) {
    shown = text;
    if (!midLine) {
      draw();
    }
  }

  /** Leaves the status line where it is, as ordinary output, and shows none from now on. */
  @Override
  public synchronized void finish() {
    if (shown != null && !midLine) {
      emit("\n");
    }
    shown = null;
  }

  /** A stream that writes {@code target}'s output around the status line. */
  OutputStream stream(OutputStream target) {
    return new FilterOutputStream(target) {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return;
        }
        synchronized (StatusLine.this) {
          terminal.flush();
          if (shown != null && !midLine) {
            emit(CLEAR);
          }
          out.write(b, off, len);
          out.flush();
          midLine = b[off + len - 1] != '\n';
          if (shown != null && !midLine) {
            draw();
          }
        }
      }
    };
  }

  private void draw() {
    emit(CLEAR + shown);
  }

  private void emit(String text) {
    try {
      terminal.write(text.getBytes(charset));
      terminal.flush();
    } catch (IOException e) {
      // A terminal that went away: nothing left to show the status on.
    }
  }
}
