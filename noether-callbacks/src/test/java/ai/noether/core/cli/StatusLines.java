package ai.noether.core.cli;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test access to {@link StatusLine} over a captured screen (its constructor is package-private).
 */
public final class StatusLines {
  private StatusLines() {}

  public static StatusLine over(OutputStream screen) {
    return new StatusLine(screen, StandardCharsets.UTF_8);
  }

  public static OutputStream stream(StatusLine status, OutputStream screen) {
    return status.stream(screen);
  }
}
