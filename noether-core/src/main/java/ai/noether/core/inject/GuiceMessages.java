package ai.noether.core.inject;

import com.google.inject.spi.Message;
import java.util.ArrayList;
import java.util.List;

/** Guice's error messages as one line for our own messages. */
public final class GuiceMessages {
  private GuiceMessages() {}

  /**
   * Each message's first line (without Guice's numbering, sources and help links), joined by {@code
   * ; }.
   */
  public static String of(Iterable<Message> messages) {
    List<String> lines = new ArrayList<>();
    for (Message m : messages) {
      String text = m.getMessage().strip();
      int nl = text.indexOf('\n');
      String line = (nl < 0 ? text : text.substring(0, nl)).strip();
      lines.add(line.endsWith(".") ? line.substring(0, line.length() - 1) : line);
    }
    return String.join("; ", lines);
  }
}
