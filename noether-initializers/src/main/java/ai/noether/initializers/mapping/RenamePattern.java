package ai.noether.initializers.mapping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code patterns_to_rename}: every match of the regular expression {@code from} in a
 * key is replaced by {@code to}, like Python's {@code re.sub}. {@code to} refers to groups as
 * {@code $1} or {@code ${name}} and writes a literal {@code $} or {@code \} as {@code \$} or {@code
 * \\} (Java's replacement syntax). Anchor with {@code ^} and {@code $} to match whole keys.
 *
 * <pre>{@code
 * patterns_to_rename:
 *   - {from: '^(\d+)\.', to: 'layers.$1.'}      # 0.weight -> layers.0.weight
 *   - {from: '^backbone\.', to: 'encoder.'}
 * }</pre>
 *
 * @param from a Java regular expression; never null
 * @param to the replacement; never null, may be empty
 */
public record RenamePattern(String from, String to) {
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  /**
   * Checks both parts, so that a mistake is reported when the configuration is read rather than
   * when the first key is renamed.
   *
   * @throws IllegalArgumentException naming the part and what is wrong with it
   */
  public RenamePattern {
    if (from == null || from.isEmpty()) {
      throw new IllegalArgumentException(
          "from is missing; write the regular expression to replace, e.g. from: '^0\\.'");
    }
    if (to == null) {
      throw new IllegalArgumentException(
          "to is missing for from '" + from + "'; write the replacement, e.g. to: 'layers.0.'");
    }
    Pattern compiled;
    try {
      compiled = Pattern.compile(from);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "from '"
              + from
              + "' is not a valid regular expression: "
              + e.getDescription()
              + " near position "
              + e.getIndex());
    }
    checkReplacement(compiled, to);
  }

  private static void checkReplacement(Pattern from, String to) {
    int groups = from.matcher("").groupCount();
    for (int i = 0; i < to.length(); i++) {
      char c = to.charAt(i);
      if (c == '\\') {
        if (i + 1 == to.length()) {
          throw new IllegalArgumentException(
              "to '" + to + "' ends with a lone \\; write \\\\ for a backslash");
        }
        if (Character.isDigit(to.charAt(i + 1))) {
          throw new IllegalArgumentException(
              "to '"
                  + to
                  + "' refers to a group as \\"
                  + to.charAt(i + 1)
                  + " (Python's syntax); write $"
                  + to.charAt(i + 1)
                  + " instead");
        }
        i++;
      } else if (c == '$') {
        if (i + 1 < to.length() && Character.isDigit(to.charAt(i + 1))) {
          int group = to.charAt(i + 1) - '0';
          if (group > groups) {
            throw new IllegalArgumentException(
                "to '"
                    + to
                    + "' refers to group $"
                    + group
                    + " but from '"
                    + from.pattern()
                    + "' has "
                    + (groups == 0
                        ? "no groups"
                        : "only " + groups + (groups == 1 ? " group" : " groups")));
          }
        } else if (i + 1 < to.length() && to.charAt(i + 1) == '{') {
          int end = to.indexOf('}', i);
          String name = end < 0 ? "" : to.substring(i + 2, end);
          if (!hasNamedGroup(from, name)) {
            throw new IllegalArgumentException(
                "to '"
                    + to
                    + "' refers to a group ${"
                    + name
                    + "} that from '"
                    + from.pattern()
                    + "' does not define; define it as (?<"
                    + (name.isEmpty() ? "name" : name)
                    + ">...)");
          }
          i = end;
        } else {
          throw new IllegalArgumentException(
              "to '"
                  + to
                  + "' has a $ that is not followed by a group number or ${name};"
                  + " write \\$ for a literal dollar sign");
        }
      }
    }
  }

  private static boolean hasNamedGroup(Pattern from, String name) {
    Matcher m = NAMED_GROUP.matcher(from.pattern());
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "{from: '" + from + "', to: '" + to + "'}";
  }
}
