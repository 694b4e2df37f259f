package ai.noether.core.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Wraps {@code --help} at spaces only. Picocli breaks lines where {@link java.text.BreakIterator}
 * allows, which includes after a dot between letters: {@code key.path=value} and {@code
 * trainer.max_updates=50} were split across lines, and a copied override no longer worked. So
 * picocli renders each section unwrapped, and this class wraps it to {@link #WIDTH} columns,
 * continuing a table row under its description column.
 */
final class HelpLayout {
  static final int WIDTH = 80;

  /** Wide enough that picocli never wraps. */
  private static final int UNWRAPPED = 10_000;

  /** A table row: the name column, then two or more spaces, then the description. */
  private static final Pattern ROW = Pattern.compile("^(\\s*\\S.*?\\s{2,})\\S");

  private static final Pattern SYNOPSIS = Pattern.compile("^(Usage: .*?\\s)[\\[<(A-Z-]");

  private HelpLayout() {}

  /** Applies to {@code cl} and every subcommand it has now. */
  static void apply(CommandLine cl) {
    cl.setUsageHelpWidth(UNWRAPPED);
    apply(cl, true);
  }

  private static void apply(CommandLine cl, boolean recurse) {
    Map<String, CommandLine.IHelpSectionRenderer> sections = cl.getHelpSectionMap();
    sections.replaceAll((key, renderer) -> help -> wrap(renderer.render(help), WIDTH));
    cl.setHelpSectionMap(sections);
    if (recurse) {
      cl.getSubcommands().values().forEach(sub -> apply(sub, true));
    }
  }

  /** {@code text} with every line longer than {@code width} broken at spaces. */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      wrapLine(lines[i], width, out);
    }
    return out.toString();
  }

  private static void wrapLine(String line, int width, StringBuilder out) {
    if (line.length() <= width) {
      out.append(line);
      return;
    }
    int indent = indent(line);
    if (indent >= width / 2) {
      indent = leadingSpaces(line) + 4;
    }
    String rest = line;
    boolean first = true;
    while (true) {
      String prefix = first ? "" : " ".repeat(indent);
      if (prefix.length() + rest.length() <= width) {
        out.append(prefix).append(rest);
        return;
      }
      int limit = width - prefix.length();
      int from = first ? indent : 0;
      int cut = rest.lastIndexOf(' ', limit);
      if (cut <= from) {
        cut = rest.indexOf(' ', limit); // a word longer than the line stays whole
        if (cut < 0) {
          out.append(prefix).append(rest);
          return;
        }
      }
      out.append(prefix).append(rest, 0, cut).append('\n');
      rest = rest.substring(cut).stripLeading();
      first = false;
    }
  }

  private static int indent(String line) {
    Matcher synopsis = SYNOPSIS.matcher(line);
    if (synopsis.find()) {
      return synopsis.end(1);
    }
    Matcher row = ROW.matcher(line);
    if (row.find()) {
      return row.end(1);
    }
    return leadingSpaces(line);
  }

  private static int leadingSpaces(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
