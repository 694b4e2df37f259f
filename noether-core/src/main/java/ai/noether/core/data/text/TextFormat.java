package ai.noether.core.data.text;

/** How the values of a text table are separated, and whether its first line names the columns by default. */
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
      if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
        value = value.substring(1, value.length() - 1).strip();
      }
      out.add(value);
      if (end < 0) {
        return;
      }
      start = end + 1;
    }
  }
}
