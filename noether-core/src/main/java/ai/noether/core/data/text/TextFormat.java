package ai.noether.core.data.text;

/**
 * How the values of a text table are separated, and whether its first line names the columns by
 * default.
 */
public enum TextFormat {
  /** Comma-separated values; the first line names the columns unless {@code header: false}. */
  CSV(',', true),
  /** Tab-separated values; the first line names the columns unless {@code header: false}. */
  TSV('\t', true),
  /**
   * Values separated by any run of spaces or tabs, leading and trailing blanks ignored, as NASA's
   * C-MAPSS files ({@code train_FD001.txt}); no header unless {@code header: true}.
   */
  WHITESPACE(' ', false);

  private final char delimiter;
  private final boolean headerByDefault;

  TextFormat(char delimiter, boolean headerByDefault) {
    this.delimiter = delimiter;
    this.headerByDefault = headerByDefault;
  }

  public boolean headerByDefault() {
    return headerByDefault;
  }

  /**
   * Splits one line into {@code out} (cleared first). Values of CSV and TSV are trimmed, and a
   * value in double quotes loses its quotes.
   */
  void split(String line, java.util.List<String> out) {
    out.clear();
    if (this == WHITESPACE) {
      int n = line.length();
      int i = 0;
      while (i < n) {
        while (i < n && Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        if (i > start) {
          out.add(line.substring(start, i));
        }
      }
      return;
    }
    int start = 0;
    while (true) {
      int end = line.indexOf(delimiter, start);
      String value = (end < 0 ? line.substring(start) : line.substring(start, end)).strip();
      if (value.length() >= 2
          && value.charAt(0) == '"'
          && value.charAt(value.length() - 1) == '"') {
        value = value.substring(1, value.length() - 1).strip();
      }
      out.add(value);
      if (end < 0) {
        return;
      }
      start = end + 1;
    }
  }

  /** The [start, end) bounds of the values of one line, reused from line to line. */
  static final class Tokens {
    int[] bounds = new int[64];
    int count;

    int start(int i) {
      return bounds[2 * i];
    }

    int end(int i) {
      return bounds[2 * i + 1];
    }

    private void add(int start, int end) {
      if (2 * count + 2 > bounds.length) {
        bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[2 * count] = start;
      bounds[2 * count + 1] = end;
      count++;
    }
  }

  /** As {@link #split}, without copying: the values' bounds in {@code line}. */
  void tokenize(String line, Tokens out) {
    out.count = 0;
    int n = line.length();
    if (this == WHITESPACE) {
      int i = 0;
      while (i < n) {
        while (i < n && Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        if (i > start) {
          out.add(start, i);
        }
      }
      return;
    }
    int start = 0;
    while (true) {
      int end = line.indexOf(delimiter, start);
      int e = end < 0 ? n : end;
      int s = start;
      while (s < e && Character.isWhitespace(line.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(line.charAt(e - 1))) {
        e--;
      }
      if (e - s >= 2 && line.charAt(s) == '"' && line.charAt(e - 1) == '"') {
        s++;
        e--;
        while (s < e && Character.isWhitespace(line.charAt(s))) {
          s++;
        }
        while (e > s && Character.isWhitespace(line.charAt(e - 1))) {
          e--;
        }
      }
      out.add(s, e);
      if (end < 0) {
        return;
      }
      start = end + 1;
    }
  }
}
