package ai.noether.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Column names as written in YAML, where {@code s{1..21}} stands for {@code s1, s2, ..., s21} (one
 * range per name, ascending or descending), so that the 26 columns of a C-MAPSS file are {@code
 * [unit, cycle, "setting{1..3}", "s{1..21}"]}.
 */
public final class ColumnNames {
  private static final Pattern RANGE = Pattern.compile("^(.*)\\{(\\d+)\\.\\.(\\d+)\\}(.*)$");
  private static final int MAX_RANGE = 100_000;

  private ColumnNames() {}

  /**
   * The names with every range expanded, in order.
   *
   * @throws IllegalArgumentException for an empty name or a range of more than 100000 names
   */
  public static List<String> expand(List<String> written, String key) {
    List<String> out = new ArrayList<>();
    for (String name : written) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(
            key
                + " lists an empty column name; write each column's name, or a range"
                + " such as s{1..21}");
      }
      Matcher m = RANGE.matcher(name);
      if (!m.matches()) {
        out.add(name);
        continue;
      }
      long from = Long.parseLong(m.group(2));
      long to = Long.parseLong(m.group(3));
      if (Math.abs(to - from) >= MAX_RANGE) {
        throw new IllegalArgumentException(
            key + ": the range " + name + " has more than " + MAX_RANGE + " names");
      }
      long step = from <= to ? 1 : -1;
      for (long i = from; ; i += step) {
        out.add(m.group(1) + i + m.group(4));
        if (i == to) {
          break;
        }
      }
    }
    return out;
  }
}
