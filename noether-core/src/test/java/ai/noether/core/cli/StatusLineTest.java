package ai.noether.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusLineTest {
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final StatusLine status = new StatusLine(screen, StandardCharsets.UTF_8);
  private final PrintStream out =
      new PrintStream(status.stream(screen), true, StandardCharsets.UTF_8);

  @Test
  void outputClearsTheStatusLineFirstAndTheStatusLineIsDrawnAgainBelowIt() {
    status.show("[##--] 50%");
    out.println("a log line");
    status.show("[###-] 75%");
    status.finish();
    out.println("after");

    assertThat(screen.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "\r\u001b[K[##--] 50%"
                + "\r\u001b[Ka log line\n"
                + "\r\u001b[K[##--] 50%"
                + "\r\u001b[K[###-] 75%"
                + "\n"
                + "after\n");
  }

  @Test
  void aLineWrittenInPiecesIsNotInterruptedByTheStatusLine() {
    status.show("bar");
    out.print("one ");
    status.show("bar 2");
    out.print("two\n");

    assertThat(screen.toString(StandardCharsets.UTF_8))
        .isEqualTo("\r\u001b[Kbar" + "\r\u001b[Kone " + "two\n" + "\r\u001b[Kbar 2");
  }

  @Test
  void withoutAStatusLineOutputPassesThroughUnchanged() {
    out.println("plain");

    assertThat(screen.toString(StandardCharsets.UTF_8)).isEqualTo("plain\n");
  }
}
