package ai.noether.core.config;

import ai.noether.api.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YAML paths as users write them in messages and command-line overrides: keys joined by {@code .},
 * list entries as {@code [index]}, e.g. {@code trainer.callbacks[1].every_n_updates}. The root is
 * the empty path.
 */
public final class ConfigPath {
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[\\d+])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  private ConfigPath() {}

  /** One step of a path: a key of a mapping or an index into a list. */
  public sealed interface Segment permits Key, Index {}

  /** A key of a mapping. */
  public record Key(String name) implements Segment {}

  /** A zero-based index into a list. */
  public record Index(int index) implements Segment {}

  /** The path of {@code key} inside the mapping at {@code parent}. */
  public static String key(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  /** The path of entry {@code index} of the list at {@code parent}. */
  public static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** The path one step up, or the empty string for a top-level key and for the root. */
  public static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /**
   * Parses a path such as {@code trainer.callbacks[1].every_n_updates}.
   *
   * @param argument the command-line argument the path came from, for the message
   * @throws ConfigException if the text is not a path
   */
  public static List<Segment> parse(String path, String argument) {
    List<Segment> segments = new ArrayList<>();
    for (String part : path.split("\\.", -1)) {
      Matcher m = SEGMENT.matcher(part);
      if (!m.matches()) {
        throw new ConfigException(
            "command-line argument '"
                + argument
                + "': '"
                + path
                + "' is not a key path; write keys joined by '.', with [N] for list entries,"
                + " e.g. trainer.callbacks[1].every_n_updates=5");
      }
      segments.add(new Key(m.group(1)));
      Matcher index = INDEX.matcher(m.group(2));
      while (index.find()) {
        try {
          segments.add(new Index(Integer.parseInt(index.group(1))));
        } catch (NumberFormatException e) {
          throw new ConfigException(
              "command-line argument '"
                  + argument
                  + "': list index "
                  + index.group(1)
                  + " is too large");
        }
      }
    }
    return segments;
  }
}
